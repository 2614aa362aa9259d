/**
 * The life of a worker process, written once for the orders and the shipping worker: runtime with metrics
 * before any connection, serve health (and control), connect, build the Worker, announce readiness once
 * the Worker is actually polling, and on SIGINT/SIGTERM or loss of the launcher stop in the right order.
 * The endpoints serve from the start: until the Worker exists, the start-up stage answers behind them
 * (await-key.ts), which also lets a worker whose key is refused at start-up wait for a new one.
 */
import type { NativeConnection } from '@temporalio/worker';
import type { ActivityHooks } from '../activities/index.js';
import type { Logger, LogFields, LogLevel } from '../logger.js';
import { watchPollFailures, type PollFailureWatch } from '../metrics/poll-failures.js';
import { activityMetrics } from '../metrics/worker.js';
import { announceReady, onShutdown } from '../process/lifecycle.js';
import { serverReady } from '../process/supervision.js';
import type { LoopbackServer } from '../process/loopback-api.js';
import { startupStage } from './await-key.js';
import type { ControlHandlers } from './control.js';
import { grpcStatusName, isCredentialError } from './failures.js';
import { pingWith, type ReadinessSources } from './health.js';
import type { WorkerFailure, WorkerState } from './keep-running.js';
import { startOpsServer } from './ops-server.js';
import { StartupError, untilRunning } from './process.js';
import { installRuntime } from './runtime.js';

export interface RunnableWorker {
  readonly state: WorkerState;
  /** Why no Worker polls, while the handle makes a new one after a failure. */
  readonly failure?: WorkerFailure;
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The orders worker's control channel (with a secret configured). */
export interface ControlChannel<W extends RunnableWorker> {
  secret: string;
  /** The key the worker starts with: only its fingerprint is kept. */
  initialApiKey: string | undefined;
  /** The fix state reported before the Worker runs. */
  fixDeployed: boolean;
  /** Wait for a new key on the channel when the server refuses the start-up one, rather than exit. */
  awaitKey: boolean;
  /** The channel's handlers once the Worker exists; `apiKey` is the key the connection uses. */
  handlers(connection: NativeConnection, worker: W, pollFailures: PollFailureWatch, apiKey: string | undefined): ControlHandlers;
}

export interface WorkerProcessOptions<W extends RunnableWorker> {
  /** 'Orders worker': the start and stop lines say "<name> started" / "<name> stopped". */
  name: string;
  /** Component name announced to the launcher. */
  component: string;
  logger: Logger;
  logLevel: LogLevel;
  /** The Prometheus endpoint and the setting that names it (for the error when it cannot bind). */
  metrics: { address: string; setting: string };
  /** Where /healthz and /readyz (and the control channel, if any) listen, and the setting that names it. */
  ops: { address: string; setting: string };
  /** Wait for the launcher's word that its Temporal server answers before connecting (config.supervisor.awaitServer). */
  awaitServer?: boolean;
  /** Connects with the configured key, or with `apiKey` (one handed over the control channel). */
  connect(apiKey?: string): Promise<NativeConnection>;
  create(connection: NativeConnection, activityHooks: ActivityHooks, pollFailures: PollFailureWatch): Promise<W>;
  control?: ControlChannel<W>;
  /** Fields of the "started" line. */
  describe(worker: W): LogFields;
}

/** Resolves when the worker has stopped and everything is closed; rejects on a start-up or fatal worker error. */
export async function runWorkerProcess<W extends RunnableWorker>(options: WorkerProcessOptions<W>): Promise<void> {
  const { logger, metrics, control } = options;
  const runtime = installRuntime(logger, { logLevel: options.logLevel, metrics });
  const pollFailures = watchPollFailures({ metricsAddress: metrics.address, logger });
  const stage = startupStage({ fixDeployed: control?.fixDeployed ?? false, pollFailures });
  // What answers behind the endpoints: the start-up stage, then the running worker.
  let health: ReadinessSources = stage.health;
  let handlers: ControlHandlers = stage.handlers;
  let ops: LoopbackServer | undefined;
  let connection: NativeConnection | undefined;
  let worker: W | undefined;
  let announced = false;
  const announce = (url: string): void => {
    if (!announced) announceReady({ component: options.component, url });
    announced = true;
  };
  // Before the Worker runs there is nothing to drain: a stop request ends the process at once.
  let stop = async (): Promise<void> => {};
  onShutdown(() => stop(), (msg) => logger.info(msg));
  try {
    const served = (ops = await startOpsServer({
      address: options.ops.address,
      health: {
        workerState: () => health.workerState(),
        workerFailure: () => health.workerFailure?.(),
        pingServer: () => health.pingServer(),
        pollFailures,
      },
      control: control && {
        secret: control.secret,
        initialApiKey: control.initialApiKey,
        handlers: {
          setApiKey: (key) => handlers.setApiKey(key),
          deployFix: () => handlers.deployFix(),
          restoreBug: () => handlers.restoreBug(),
          status: () => handlers.status(),
        },
      },
      logger,
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') throw err;
      throw new StartupError(`Cannot listen on ${options.ops.address} (${err.code}); pick another address with ${options.ops.setting}.`);
    }));
    let apiKey = control?.initialApiKey;
    if (options.awaitServer) await serverReady();
    const conn = (connection = await options.connect().catch(async (err: unknown) => {
      if (!control?.awaitKey || !isCredentialError(err)) throw err;
      logger.warn(`The server refuses the worker's API key (${grpcStatusName(err)}): it waits for a new one on its control channel (the console's API key page)`);
      // It serves (its control channel), though it does not poll: the launcher need not restart it.
      announce(served.url);
      const handed = await stage.awaitKey(err, (key) => options.connect(key));
      apiKey = handed.key;
      return handed.connection;
    }));
    const created = (worker = await options.create(conn, activityMetrics(runtime.metricMeter), pollFailures));
    health = { workerState: () => created.state, workerFailure: () => created.failure, pingServer: pingWith(conn), pollFailures };
    if (control) handlers = control.handlers(conn, created, pollFailures, apiKey);
  } catch (err) {
    // A Worker that was created holds the connection: shut it down before closing the connection.
    pollFailures.stop();
    await worker?.shutdown();
    await ops?.close();
    await connection?.close();
    throw err;
  }

  const conn = connection;
  const running = worker;
  const served = ops;
  const done = running
    .run()
    .finally(async () => {
      pollFailures.stop();
      await served.close();
      await closeConnection(conn, logger);
    })
    .then(() => logger.info(`${options.name} stopped`));
  stop = async () => {
    await running.shutdown();
    await done;
  };
  await untilRunning(() => running.state, done);
  logger.info(`${options.name} started`, { ...options.describe(running), metrics: `http://${metrics.address}/metrics`, health: `${served.url}/readyz` });
  announce(served.url);
  await done;
}

/**
 * Closes the worker's connection on the way out. A Worker the SDK failed during a credential outage, and that
 * keep-running.ts abandoned because its run() never returned, still holds a reference to the connection, and
 * the SDK then refuses to close it: the process is ending anyway, so that is said at debug level, not turned
 * into a failed stop.
 */
async function closeConnection(connection: NativeConnection, logger: Logger): Promise<void> {
  try {
    await connection.close();
  } catch (err) {
    if (!/Workers hold a reference/i.test((err as Error).message)) throw err;
    logger.debug('Connection left to the process exit: an abandoned Worker still holds it', { error: (err as Error).message });
  }
}
