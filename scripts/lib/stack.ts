/**
 * Brings the whole demo up: a Temporal server (the configured one, or a dev server we start), what the
 * scenarios need on it, the orders worker, the Nexus shipping worker and the web console; and takes it
 * down again. Used by `npm start`, and by the benchmarks and drills with temporary state and free ports.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Connection } from '@temporalio/client';
import { connectionOptions, type Config } from '../../src/config.js';
import { ensureCli } from '../../src/temporal/cli.js';
import { claimPort, startDevServer, stopChild, stopLeftoverDevServer, type DevServer } from '../../src/temporal/devserver.js';
import { ORDER_STATUS, RESTOCK_SCHEDULE_ID } from '../../src/temporal/contract.js';
import { runGateway, type RunningGateway } from '../../src/gateway/run.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { splitHostPort } from '../../src/process/loopback-api.js';
import { describeDatabase } from '../../src/db/errors.js';
import {
  PART_LABELS,
  type ChildMessage,
  type PartName,
  type SupervisorAction,
  type SupervisorMessage,
  type SupervisorReply,
  type WorkerState,
} from '../../src/process/supervision.js';
import { prebuildBundles } from '../../src/worker/bundles.js';
import { prebuiltEntries } from '../prebuild.mjs';
import { Supervisor } from './supervisor.js';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

export class StackError extends Error {
  override name = 'StackError';
}

export interface StackOptions {
  config: Config;
  say: (line: string) => void;
  /** Keep server state in config.devServer.stateDir (npm start) or in memory (benchmarks, drills). */
  persistent: boolean;
  /** Extra environment for every child (e.g. ports chosen by a benchmark). */
  childEnv?: Record<string, string>;
  /** Child output: inherited by `npm start`, ignored by benchmarks. */
  childStdio?: 'inherit' | 'ignore';
  /** Restart parts that exit unexpectedly (npm start: yes; the drills restart parts themselves). */
  supervise?: boolean;
  /**
   * A new one-time presenter sign-in link from the console (sign-in on): after a restart of the console or
   * on newPresenterLink(). The first one is `presenterLink` on the stack. For the terminal only.
   */
  onPresenterLink?: (url: string) => void;
}

export interface Stack {
  address: string;
  /** The database every part uses: DATABASE_URL, or the embedded one's (passed to the parts by env only: it may hold a password). */
  databaseUrl: string;
  /** Where the embedded database keeps its data; undefined with DATABASE_URL. */
  databaseDir: string | undefined;
  consoleUrl: string;
  uiUrl: string | undefined;
  /** The dev server as first started (the supervisor may have restarted it since: see supervisor.child('temporal')). */
  devServer: DevServer | undefined;
  /** The key-checking gateway in front of the server, when it runs (see config.gateway). It lives in this process. */
  gateway: RunningGateway | undefined;
  /** Runs the parts; `supervisor.child(name)` is a part's running process. */
  supervisor: Supervisor;
  /** The console's first one-time presenter sign-in link, when sign-in is on (WEB_HOST beyond loopback, WEB_PUBLIC_URL, PRESENTER_TOKEN). */
  presenterLink: string | undefined;
  /** Asks the console for a new sign-in link (delivered to onPresenterLink); false when it is not running. */
  newPresenterLink(): boolean;
  /**
   * Starts (or restarts) one component by name: 'orders-worker' | 'shipping-worker' | 'web'. `env` is merged
   * into what this and later starts of it get (the bench starts workers without the database this way:
   * `{ DATABASE_URL: '' }`).
   */
  startComponent(name: ComponentName, env?: Record<string, string>): Promise<void>;
  /** Stops one component on purpose (SIGKILL: killed at once); the supervisor does not restart it. */
  stopComponent(name: ComponentName, signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export type ComponentName = 'orders-worker' | 'shipping-worker' | 'web';

const ENTRY_POINTS: Record<ComponentName, string> = {
  'orders-worker': 'src/worker/orders.ts',
  'shipping-worker': 'src/worker/shipping.ts',
  web: 'src/web/main.ts',
};

/**
 * The secrets a part may inherit from the launcher's environment: each gets only its own (the shipping
 * worker none), whatever the presenter exported in the shell.
 */
const SECRETS = ['WORKER_CONTROL_SECRET', 'GATEWAY_ADMIN_SECRET', 'WEB_SESSION_SECRET', 'PRESENTER_TOKEN'] as const;
const SECRETS_OF: Record<ComponentName, readonly (typeof SECRETS)[number][]> = {
  'orders-worker': ['WORKER_CONTROL_SECRET'],
  'shipping-worker': [],
  web: SECRETS,
};

/** Ctrl-C stops the parts in this order: nobody watches, then nobody works, then the servers go. */
const STOP_ORDER: PartName[][] = [['web'], ['orders-worker', 'shipping-worker'], ['temporal', 'database']];

export async function startStack(options: StackOptions): Promise<Stack> {
  const { config, say } = options;
  const phases = phaseClock(createLogger({ name: 'launcher', level: config.logLevel }));
  // Built (or found cached) while the server starts: the workers' workflow bundles, which they then load
  // from disk instead of each running webpack, and every part's code as plain JavaScript (prebuild.mjs).
  const bundling = prebuildBundles(createLogger({ name: 'launcher', level: config.logLevel }));
  bundling.catch(() => undefined);
  const compiling = prebuiltEntries({ onBuild: () => say('Compiling the TypeScript sources (once per change)...') });
  const supervisor = new Supervisor({ say, autoRestartSeconds: config.supervisor.autoRestartSeconds, restartOnCrash: options.supervise ?? false });
  let devServer: DevServer | undefined;
  let address: string;
  let uiUrl = config.temporal.uiUrl;
  /** Resolves once the server answers; the parts start meanwhile and the workers wait for it to connect. */
  let serverUp: Promise<void>;
  /** What else must be done before the demo is ready. */
  let provisioned: Promise<void>;
  if (config.temporal.external) {
    address = config.temporal.address!;
    say(`Using the Temporal server at ${address} (namespace ${config.temporal.namespace}) from your client configuration.`);
    // A server we do not run may lack the handler's namespace: provision before any worker connects.
    provisioned = serverUp = provisionServer(config, address, say);
  } else {
    const dbFile = options.persistent ? path.resolve(ROOT, config.devServer.stateDir, 'dev.db') : undefined;
    const leftover = dbFile ? await stopLeftoverDevServer(dbFile) : undefined;
    if (leftover) say(`Stopped a Temporal dev server left running by an earlier \`npm start\` (pid ${leftover}, same state folder).`);
    // Fail before building or starting anything if the ports are taken. Chosen now (a 0 picks a free port),
    // so that the parts, started while the server starts, know its address.
    let ports = {
      port: await claimPort(config.devServer.port, 'Temporal dev server', 'TEMPORAL_DEV_PORT'),
      uiPort: await claimPort(config.devServer.uiPort, 'Temporal Web UI', 'TEMPORAL_DEV_UI_PORT'),
    };
    await claimPort(config.web.port, 'web console', 'WEB_PORT');
    address = `127.0.0.1:${ports.port}`;
    uiUrl ??= `http://localhost:${ports.uiPort}`;
    const cli = await ensureCli({ root: ROOT, explicitPath: config.devServer.cliPath, say });
    say(`Starting the Temporal dev server (${path.relative(ROOT, cli.path) || cli.path})...`);
    supervisor.add({
      name: 'temporal',
      start: async () => {
        // A restart uses the ports and the state of the first start: clients reconnect to the same address.
        const server = await startDevServer({
          cliPath: cli.path,
          ...ports,
          dbFile,
          namespaces: [config.nexus.handler.namespace],
          searchAttributes: { [ORDER_STATUS.name]: 'Keyword' },
          onLog: (line) => say(`[temporal] ${line}`),
        });
        devServer ??= server;
        ports = { port: server.port, uiPort: server.uiPort ?? config.devServer.uiPort };
        if (!dbFile && server !== devServer) say('The dev server of this run keeps its state in memory: orders before the restart are gone.');
        return server.child;
      },
      stop: (child) => stopChild(child),
    });
    serverUp = supervisor.start('temporal').then(() => phases.mark('dev server answers'));
    // The handler's namespace and the search attribute come with the dev server; the Nexus endpoint, which
    // only a NexusOperation order needs, is created while the parts start.
    provisioned = serverUp.then(() => provisionServer(config, address, say));
  }
  serverUp.catch(() => undefined);
  provisioned.catch(() => undefined);
  const database = await startDatabase(config, supervisor, say, options.childStdio ?? 'inherit').catch(async (err: unknown) => {
    await supervisor.stopAll(STOP_ORDER);
    throw err;
  });

  const adminSecret = config.gateway.adminSecret ?? randomBytes(24).toString('base64url');
  let gateway: RunningGateway | undefined;
  const componentEnv: Record<ComponentName, Record<string, string>> = { 'orders-worker': {}, 'shipping-worker': {}, web: {} };
  // What the orders worker told us of itself (its current key, the fix): a restarted worker resumes as it was.
  const workerState: WorkerState = { fixDeployed: config.worker.fixedRecoverableFailure };
  const stopEarly = async (err: unknown): Promise<never> => {
    await supervisor.stopAll(STOP_ORDER);
    await gateway?.close();
    throw err;
  };
  if (config.gateway.enabled) {
    // It forwards each call as it comes: it may listen before the server does.
    gateway = await startGateway(config, address, adminSecret).catch(stopEarly);
    // Only the orders worker goes through the gateway: its key is the one an operator rotates.
    workerState.apiKey = gateway.keys.issue('orders-worker').key;
    componentEnv['orders-worker'] = { TEMPORAL_ADDRESS: gateway.gateway.address };
    componentEnv.web = { GATEWAY_ADMIN_ADDRESS: gateway.admin.address, GATEWAY_ADMIN_SECRET: adminSecret };
    say(`API-key gateway on ${gateway.gateway.address}: the orders worker connects through it with its own key.`);
  }
  const controlSecret = config.worker.controlSecret ?? randomBytes(24).toString('base64url');
  const childEnv: Record<string, string> = {
    ...(config.temporal.external ? {} : { TEMPORAL_ADDRESS: address }),
    ...(uiUrl ? { TEMPORAL_UI_URL: uiUrl } : {}),
    // The workers ask before connecting (the console connects lazily and needs no word).
    ORDER_DEMO_AWAIT_SERVER: 'true',
    ...options.childEnv,
    DATABASE_URL: database.url,
  };
  // The control secret is for the two ends of the control channel only (the shipping worker has none).
  componentEnv['orders-worker'].WORKER_CONTROL_SECRET = controlSecret;
  componentEnv.web.WORKER_CONTROL_SECRET = controlSecret;
  // Signs the presenter's session cookies: the same for every start of the console, so a console restarted
  // by the supervisor keeps its presenter signed in.
  componentEnv.web.WEB_SESSION_SECRET = config.web.sessionSecret ?? randomBytes(32).toString('base64url');
  const consoleUrl = `http://${config.web.host === '0.0.0.0' ? 'localhost' : config.web.host}:${config.web.port}`;

  const envOf = (name: ComponentName): NodeJS.ProcessEnv => {
    const inherited: NodeJS.ProcessEnv = { ...process.env };
    for (const secret of SECRETS) if (!SECRETS_OF[name].includes(secret)) delete inherited[secret];
    const env: NodeJS.ProcessEnv = { ...inherited, ...childEnv, ...componentEnv[name] };
    if (name === 'orders-worker') {
      if (workerState.apiKey) env.TEMPORAL_API_KEY = workerState.apiKey;
      env.ORDER_DEMO_FIX_DEPLOYED = String(!!workerState.fixDeployed);
    }
    return env;
  };
  let presenterLink: string | undefined;
  const onMessage = (name: ComponentName, child: ChildProcess) => (msg: ChildMessage) => {
    const reply = (message: SupervisorMessage): void => {
      if (child.connected) child.send(message);
    };
    if (name === 'web' && ((msg?.type === 'ready' && msg.signInUrl) || msg?.type === 'presenter-link')) {
      const url = msg.type === 'ready' ? msg.signInUrl! : msg.url;
      if (presenterLink === undefined) presenterLink = url;
      else options.onPresenterLink?.(url);
    } else if (msg?.type === 'worker-state' && name === 'orders-worker') {
      if (msg.apiKey) workerState.apiKey = msg.apiKey;
      if (msg.fixDeployed !== undefined) workerState.fixDeployed = msg.fixDeployed;
    } else if (msg?.type === 'await-server') {
      // A server that never came up ends the launcher's start, which stops this part.
      serverUp.then(() => reply({ type: 'server-ready' }), () => undefined);
    } else if (msg?.type === 'supervisor-request') {
      void answer(supervisor, msg).then((r) => reply({ type: 'supervisor-reply', id: msg.id, ...r }));
    }
  };
  const built = await compiling;
  for (const name of ['orders-worker', 'shipping-worker', 'web'] as const) {
    supervisor.add({
      name,
      start: async () => {
        // Plain JavaScript when it could be built (prebuild.mjs), else the TypeScript through tsx.
        const child = fork(built?.[name] ?? path.join(ROOT, ENTRY_POINTS[name]), [], {
          cwd: ROOT,
          execArgv: [...(NODE_FLAGS[name] ?? []), ...(built ? [] : ['--import', 'tsx'])],
          env: envOf(name),
          // Its own process group: the terminal's Ctrl-C reaches only the launcher, which then stops each
          // part once, in order (a second signal would cut a worker's drain short).
          detached: true,
          stdio: ['ignore', options.childStdio ?? 'inherit', options.childStdio ?? 'inherit', 'ipc'],
        });
        child.on('message', onMessage(name, child));
        await waitForReady(name, child);
        phases.mark(`${name} ready`);
        return child;
      },
      stop: (child) => stopChild(child),
    });
  }

  const startComponent = (name: ComponentName, env: Record<string, string> = {}): Promise<void> => {
    Object.assign(componentEnv[name], env);
    return supervisor.start(name);
  };
  const stopComponent = (name: ComponentName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> =>
    signal === 'SIGKILL' ? supervisor.kill(name) : supervisor.stop(name);
  const stop = async (): Promise<void> => {
    await supervisor.stopAll(STOP_ORDER.slice(0, 2));
    await gateway?.close();
    await supervisor.stopAll(STOP_ORDER.slice(2));
  };

  try {
    say('Starting the workers and the web console...');
    // All at once, while the server starts: each part spends its first second loading its code. The
    // workers wait for their bundles (a first start of new workflow code builds them once, here).
    // A configured database must answer before any part starts; the embedded one starts alongside the
    // parts, which wait for it before they connect.
    if (config.database.url) await database.up;
    const web = supervisor.start('web');
    const workers = bundling.then(() => Promise.all((['orders-worker', 'shipping-worker'] as const).map((name) => supervisor.start(name))));
    await Promise.all([web, workers, serverUp, provisioned, database.up]);
  } catch (err) {
    await stop();
    throw err;
  }
  phases.mark('ready');
  const newPresenterLink = (): boolean => {
    const web = supervisor.child('web');
    if (!web?.connected) return false;
    web.send({ type: 'presenter-link-request' } satisfies SupervisorMessage);
    return true;
  };
  return {
    address, databaseUrl: database.url, databaseDir: database.dir, consoleUrl, uiUrl, devServer, gateway, supervisor, startComponent, stopComponent, stop,
    get presenterLink() {
      return presenterLink;
    },
    newPresenterLink,
  };
}

/** Debug lines with the time since the launcher started each phase (LOG_LEVEL=debug shows where start-up time goes). */
function phaseClock(logger: Logger): { mark(phase: string): void } {
  const started = performance.now();
  return { mark: (phase) => logger.debug('Start-up phase done', { phase, ms: Math.round(performance.now() - started) }) };
}

/** What the console may ask of the supervisor: the durability drills a presenter runs from the browser. */
async function answer(supervisor: Supervisor, request: SupervisorAction): Promise<SupervisorReply> {
  const reply = (ok: boolean, message: string): SupervisorReply => ({ ok, message, status: supervisor.status() });
  if (request.action === 'status') return reply(true, '');
  const part = request.part;
  const allowed: Record<SupervisorAction['action'], PartName[]> = {
    status: [],
    kill: ['orders-worker', 'shipping-worker'],
    start: ['orders-worker', 'shipping-worker'],
    restart: ['orders-worker', 'shipping-worker', 'temporal'],
  };
  if (!allowed[request.action].includes(part) || !supervisor.has(part)) return reply(false, `The console cannot ${request.action} the ${PART_LABELS[part] ?? part}.`);
  try {
    if (request.action === 'kill') await supervisor.kill(part);
    else if (request.action === 'start') await supervisor.start(part);
    else await supervisor.restart(part);
  } catch (err) {
    return reply(false, `The ${PART_LABELS[part]} did not start: ${(err as Error).message.split('\n')[0]}`);
  }
  const done = { kill: 'killed', start: 'started', restart: 'restarted' }[request.action];
  return reply(true, `The ${PART_LABELS[part]} was ${done}.`);
}

/**
 * PostgreSQL's WebAssembly runs on V8's baseline compiler only. By default V8 also recompiles its hot
 * functions with TurboFan in background threads: measured here, that doubled the part's CPU to ready (2.0 s
 * against 1.1 s, on the two cores every part is starting on) and its first 300 transactions (1.25 s against
 * 0.42 s of CPU), and bought nothing once warm (300 transactions: 0.32 s against 0.25–0.32 s): the time of a
 * query is the wire protocol and the file system, not the compiled code.
 */
const PGLITE_NODE_FLAGS = ['--liftoff-only'];

/**
 * V8 flags of a part. The orders worker's young generation is capped at 8 MB a semi-space (V8's default here:
 * 16): 200 orders at once allocate in bursts, and with the default the worker's peak resident memory ranged
 * 251–326 MB over three runs (target ≤ 300), with the cap 247–265 MB, its CPU per order within the runs' spread.
 */
const NODE_FLAGS: Partial<Record<ComponentName, string[]>> = { 'orders-worker': ['--max-semi-space-size=8'] };

/**
 * DATABASE_URL, or the embedded database (PGlite) as one more supervised part, on its port with its data
 * folder; `up` resolves once it serves the current schema.
 */
async function startDatabase(config: Config, supervisor: Supervisor, say: (line: string) => void, stdio: 'inherit' | 'ignore'): Promise<{ url: string; dir: string | undefined; up: Promise<void> }> {
  if (config.database.url) {
    say(`Using the database at ${describeDatabase(config.database.url)} (DATABASE_URL).`);
    // Checked (and migrated) once here, so that an unreachable database stops the start at once, in one paragraph.
    const { openDatabase } = await import('../../src/db/database.js');
    const up = openDatabase(config.database.url, { connectTimeoutMs: 10_000 }).then((db) => db.close());
    up.catch(() => undefined);
    return { url: config.database.url, dir: undefined, up };
  }
  const port = await claimPort(config.database.pglite.port, 'embedded database', 'ORDER_DEMO_PGLITE_PORT');
  const dir = path.resolve(ROOT, config.database.pglite.dataDir);
  const built = await prebuiltEntries();
  say(`Starting the embedded database (PGlite on 127.0.0.1:${port}, data in ${path.relative(ROOT, dir) || dir}/)...`);
  supervisor.add({
    name: 'database',
    start: async () => {
      const child = fork(built?.database ?? path.join(ROOT, 'src/db/main.ts'), [], {
        cwd: ROOT,
        execArgv: [...PGLITE_NODE_FLAGS, ...(built ? [] : ['--import', 'tsx'])],
        env: { ...process.env, ORDER_DEMO_PGLITE_PORT: String(port), ORDER_DEMO_PGLITE_DIR: dir },
        detached: true,
        stdio: ['ignore', stdio, stdio, 'ipc'],
      });
      await waitForReady('embedded database', child);
      return child;
    },
    stop: (child) => stopChild(child),
    // Its port and data folder must be free before it starts again.
    minBackoffMs: 1_000,
  });
  const up = supervisor.start('database');
  up.catch(() => undefined);
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir, up };
}

async function provisionServer(config: Config, address: string, say: (line: string) => void): Promise<void> {
  // Loaded now, while the server and the parts start: the launcher's own start-up does without the client.
  const [{ Connection }, { provision, provisionTarget }] = await Promise.all([import('@temporalio/client'), import('../../src/temporal/provision.js')]);
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...connectionOptions(config.temporal, address), connectTimeout: 10_000 });
    await connection.workflowService.getSystemInfo({});
  } catch (err) {
    throw new StackError(
      `Cannot reach the Temporal server at ${address} (${(err as Error).message.split('\n')[0]}). Check TEMPORAL_ADDRESS, ` +
        'TEMPORAL_API_KEY or the TLS settings of your profile, and that the server is running; or unset TEMPORAL_ADDRESS ' +
        'to let `npm start` run a local dev server.',
    );
  }
  try {
    const report = await provision(connection, provisionTarget(config));
    if (report.created.length) say(`Created ${report.created.join(', ')}.`);
    // The warehouse's restock run, every few minutes (Temporal UI: Schedules); left as it is when it exists.
    const { Client } = await import('@temporalio/client');
    const { ensureRestockSchedule, RESTOCK_EVERY } = await import('../../src/warehouse/schedule.js');
    if (await ensureRestockSchedule(new Client({ connection, namespace: config.temporal.namespace }), config.taskQueue)) {
      say(`Created the restock schedule ${RESTOCK_SCHEDULE_ID} (every ${RESTOCK_EVERY}).`);
    }
  } catch (err) {
    // A Cloud API key usually may not create namespaces or endpoints: say what to create by hand, then go on.
    say(
      `Could not check or create the namespace, search attribute or Nexus endpoint (${(err as Error).message.split('\n')[0]}). ` +
        `Make sure they exist: search attribute ${ORDER_STATUS.name} (Keyword) on ${config.temporal.namespace}, namespace ` +
        `${config.nexus.handler.namespace}, Nexus endpoint ${config.nexus.endpoint} targeting ${config.nexus.handler.namespace}/${config.nexus.taskQueue}. ` +
        'The console\'s Preflight page shows what is missing.',
    );
  } finally {
    await connection.close();
  }
}

async function startGateway(config: Config, upstream: string, adminSecret: string): Promise<RunningGateway> {
  await claimPort(splitHostPort(config.gateway.address).port, 'API-key gateway', 'GATEWAY_ADDRESS');
  await claimPort(splitHostPort(config.gateway.adminAddress).port, 'API-key gateway admin API', 'GATEWAY_ADMIN_ADDRESS');
  const logger = createLogger({ name: 'gateway', level: config.logLevel, secrets: () => [adminSecret] });
  return runGateway(
    { upstream: config.gateway.upstream ?? upstream, listen: config.gateway.address, adminAddress: config.gateway.adminAddress, adminSecret },
    logger,
  );
}

function waitForReady(name: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new StackError(`The ${name} did not become ready within ${timeoutMs / 1000} s.`)), timeoutMs);
    child.on('message', (msg: { type?: string }) => {
      if (msg?.type === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new StackError(`The ${name} exited during start-up (${signal ?? `exit code ${code}`}); its message is above.`));
    });
  });
}
