/**
 * Brings the whole demo up: a Temporal server (the configured one, or a dev server we start), what the
 * scenarios need on it, the orders worker, the Nexus shipping worker and the web console; and takes it
 * down again. Used by `npm start`, and by the benchmarks and drills with temporary state and free ports.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { connectionOptions, type Config } from '../../src/config.js';
import { ensureCli } from '../../src/temporal/cli.js';
import { claimPort, startDevServer, stopChild, type DevServer } from '../../src/temporal/devserver.js';
import { provision, provisionTarget } from '../../src/temporal/provision.js';
import { ORDER_STATUS } from '../../src/temporal/contract.js';
import { runGateway, type RunningGateway } from '../../src/gateway/run.js';
import { createLogger } from '../../src/logger.js';
import { splitHostPort } from '../../src/process/loopback-api.js';

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
}

export interface Stack {
  address: string;
  consoleUrl: string;
  uiUrl: string | undefined;
  devServer: DevServer | undefined;
  /** The key-checking gateway in front of the server, when it runs (see config.gateway). */
  gateway: RunningGateway | undefined;
  children: Map<string, ChildProcess>;
  /** Starts (or restarts) one component by name: 'orders-worker' | 'shipping-worker' | 'web'. */
  startComponent(name: ComponentName): Promise<void>;
  stopComponent(name: ComponentName, signal?: NodeJS.Signals): Promise<void>;
  stop(): Promise<void>;
}

export type ComponentName = 'orders-worker' | 'shipping-worker' | 'web';

const ENTRY_POINTS: Record<ComponentName, string> = {
  'orders-worker': 'src/worker/orders.ts',
  'shipping-worker': 'src/worker/shipping.ts',
  web: 'src/web/main.ts',
};

export async function startStack(options: StackOptions): Promise<Stack> {
  const { config, say } = options;
  let devServer: DevServer | undefined;
  let address: string;
  if (config.temporal.external) {
    address = config.temporal.address!;
    say(`Using the Temporal server at ${address} (namespace ${config.temporal.namespace}) from your client configuration.`);
  } else {
    // Fail before building or starting anything if the ports are taken.
    await claimPort(config.devServer.port, 'Temporal dev server', 'TEMPORAL_DEV_PORT');
    await claimPort(config.web.port, 'web console', 'WEB_PORT');
    const cli = await ensureCli({ root: ROOT, explicitPath: config.devServer.cliPath, say });
    say(`Starting the Temporal dev server (${path.relative(ROOT, cli.path) || cli.path})...`);
    devServer = await startDevServer({
      cliPath: cli.path,
      port: config.devServer.port,
      uiPort: config.devServer.uiPort,
      dbFile: options.persistent ? path.resolve(ROOT, config.devServer.stateDir, 'dev.db') : undefined,
      namespaces: [config.nexus.handler.namespace],
      searchAttributes: { [ORDER_STATUS.name]: 'Keyword' },
      onLog: (line) => say(`[temporal] ${line}`),
    });
    address = devServer.address;
  }

  try {
    await provisionServer(config, address, say);
  } catch (err) {
    await devServer?.stop();
    throw err;
  }

  const adminSecret = config.gateway.adminSecret ?? randomBytes(24).toString('base64url');
  let gateway: RunningGateway | undefined;
  const componentEnv: Record<ComponentName, Record<string, string>> = { 'orders-worker': {}, 'shipping-worker': {}, web: {} };
  if (config.gateway.enabled) {
    try {
      gateway = await startGateway(config, address, adminSecret);
    } catch (err) {
      await devServer?.stop();
      throw err;
    }
    // Only the orders worker goes through the gateway: its key is the one an operator rotates.
    const workerKey = gateway.keys.issue('orders-worker').key;
    componentEnv['orders-worker'] = { TEMPORAL_ADDRESS: gateway.gateway.address, TEMPORAL_API_KEY: workerKey };
    componentEnv.web = { GATEWAY_ADMIN_ADDRESS: gateway.admin.address, GATEWAY_ADMIN_SECRET: adminSecret };
    say(`API-key gateway on ${gateway.gateway.address}: the orders worker connects through it with its own key.`);
  }
  const childEnv: Record<string, string> = {
    ...(devServer ? { TEMPORAL_ADDRESS: address } : {}),
    WORKER_CONTROL_SECRET: config.worker.controlSecret ?? randomBytes(24).toString('base64url'),
    ...options.childEnv,
  };
  const children = new Map<string, ChildProcess>();
  const consoleUrl = `http://${config.web.host === '0.0.0.0' ? 'localhost' : config.web.host}:${config.web.port}`;

  const startComponent = async (name: ComponentName): Promise<void> => {
    const child = fork(path.join(ROOT, ENTRY_POINTS[name]), [], {
      cwd: ROOT,
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...childEnv, ...componentEnv[name] },
      stdio: ['ignore', options.childStdio ?? 'inherit', options.childStdio ?? 'inherit', 'ipc'],
    });
    children.set(name, child);
    await waitForReady(name, child);
  };
  const stopComponent = async (name: ComponentName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const child = children.get(name);
    if (!child) return;
    children.delete(name);
    if (signal === 'SIGKILL') {
      child.kill('SIGKILL');
      await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)));
    } else await stopChild(child);
  };
  const stop = async (): Promise<void> => {
    await stopComponent('web');
    await Promise.all([stopComponent('orders-worker'), stopComponent('shipping-worker')]);
    await gateway?.close();
    await devServer?.stop();
  };

  try {
    say('Starting the workers and the web console...');
    await Promise.all((['orders-worker', 'shipping-worker', 'web'] as const).map(startComponent));
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, consoleUrl, uiUrl: config.temporal.uiUrl ?? devServer?.uiUrl, devServer, gateway, children, startComponent, stopComponent, stop };
}

async function provisionServer(config: Config, address: string, say: (line: string) => void): Promise<void> {
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
