/**
 * The whole demo on free ports with throw-away state, for the benchmarks, the drills and their test: it
 * never meets a presenter's `npm start` (fixed ports, .temporal/) or another engineer's test run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type Config } from '../../src/config.js';
import { PortInUseError, probePort } from '../../src/temporal/devserver.js';
import { startStack, StackError, type Stack } from './stack.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createSystems, type Systems } from '../../src/db/systems.js';

/** Every listening address a stack's processes take, by setting. */
const PORT_SETTINGS = ['TEMPORAL_DEV_PORT', 'TEMPORAL_DEV_UI_PORT', 'WEB_PORT', 'ORDER_DEMO_PGLITE_PORT'] as const;
const ADDRESS_SETTINGS = [
  'WORKER_METRICS_ADDRESS',
  'WORKER_CONTROL_ADDRESS',
  'GATEWAY_ADDRESS',
  'GATEWAY_ADMIN_ADDRESS',
  'SHIPPING_WORKER_METRICS_ADDRESS',
  'SHIPPING_WORKER_HEALTH_ADDRESS',
] as const;

/** Settings that put every port of a stack on a free one, loopback only, quiet logs. */
export async function freePortsEnv(): Promise<Record<string, string>> {
  const ports = new Set<number>();
  // Probing port 0 twice in a row may hand out the same port: keep asking until they differ.
  while (ports.size < PORT_SETTINGS.length + ADDRESS_SETTINGS.length) ports.add(await probePort(0));
  const list = [...ports];
  const env: Record<string, string> = { WEB_HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  PORT_SETTINGS.forEach((name, i) => (env[name] = String(list[i])));
  ADDRESS_SETTINGS.forEach((name, i) => (env[name] = `127.0.0.1:${list[PORT_SETTINGS.length + i]}`));
  return env;
}

/** The ports a stack started with `env` listens on (to check that they are free again afterwards). */
export function portsOf(env: Record<string, string>): number[] {
  return [...PORT_SETTINGS.map((n) => Number(env[n])), ...ADDRESS_SETTINGS.map((n) => Number(env[n]?.split(':').pop()))].filter((p) => p > 0);
}

export interface LocalStack {
  stack: Stack;
  config: Config;
  /** The settings its processes got (ports, state folders...). */
  env: Record<string, string>;
  /** Our own connection to the stack's database (the embedded one, or DATABASE_URL's): the drills read the effects there. */
  db: Database;
  systems: Systems;
  /** A client of our own, straight to the server (not through the gateway). */
  client: Client;
  /** Whether its supervisor restarts parts that exit unexpectedly (the crash drills need it). */
  supervised: boolean;
  /** The orders worker's control-channel secret (the stack's WORKER_CONTROL_SECRET), for drills that rotate its key. */
  controlSecret: string;
  /** The dev server's process now (the supervisor may have restarted it since the start). */
  serverPid(): number | undefined;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  /** Server state in a temporary directory (survives a dev-server restart) instead of memory. */
  persistent?: boolean;
  /** Extra settings for every process (e.g. DATABASE_URL for a PostgreSQL of the caller's). */
  env?: Record<string, string>;
  /** Restart parts that exit unexpectedly, as `npm start` does (the crash drills); default off. */
  supervise?: boolean;
  say?: (line: string) => void;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  try {
    return await startOnFreePorts(options);
  } catch (err) {
    // A port free when probed may be taken by someone else before our process binds it: once more, on others.
    if (!(err instanceof PortInUseError || err instanceof StackError)) throw err;
    options.say?.(`Start-up failed (${err.message}); trying again on other ports.`);
    return startOnFreePorts(options);
  }
}

async function startOnFreePorts(options: LocalStackOptions): Promise<LocalStack> {
  const stateDir = options.persistent ? mkdtempSync(path.join(tmpdir(), 'order-demo-state-')) : undefined;
  // The embedded database always keeps its data in a folder of ours (it survives a restart of its part).
  const dataDir = mkdtempSync(path.join(tmpdir(), 'order-demo-pglite-'));
  const removeDirs = (): void => {
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  };
  const env = { ...(await freePortsEnv()), ...(stateDir ? { TEMPORAL_DEV_STATE_DIR: stateDir } : {}), ORDER_DEMO_PGLITE_DIR: dataDir, ...options.env };
  // Chosen here rather than by startStack so that a drill can use the control channel; given to the stack
  // through its config only, so it still reaches just the two ends of the channel (not the shipping worker).
  const controlSecret = options.env?.WORKER_CONTROL_SECRET ?? randomBytes(24).toString('base64url');
  const config = loadConfig({ ...process.env, ...env, WORKER_CONTROL_SECRET: controlSecret });
  if (config.temporal.external) {
    // A presenter's TEMPORAL_ADDRESS or temporal.toml profile would send the load to their server.
    throw new Error('Benchmarks and drills run against a dev server of their own: unset TEMPORAL_ADDRESS / TEMPORAL_PROFILE first.');
  }
  let stack: Stack | undefined;
  let connection: Connection;
  let db: Database;
  try {
    stack = await startStack({
      config,
      say: options.say ?? (() => undefined),
      persistent: !!stateDir,
      childEnv: env,
      childStdio: 'ignore',
      supervise: options.supervise ?? false,
    });
    connection = await Connection.connect({ address: stack.address });
    db = await openDatabase(stack.databaseUrl, { max: 4 });
  } catch (err) {
    await stack?.stop();
    removeDirs();
    throw err;
  }
  const started = stack;
  return {
    stack: started,
    config,
    env,
    client: new Client({ connection, namespace: config.temporal.namespace }),
    db,
    systems: createSystems(db),
    supervised: options.supervise ?? false,
    controlSecret,
    serverPid: () => started.supervisor.child('temporal')?.pid,
    async stop() {
      await connection.close();
      await db.close();
      await started.stop();
      removeDirs();
    },
  };
}
