/**
 * The life of a worker process, written once for the orders and the shipping worker: runtime with metrics
 * before any connection, connect, build the Worker, serve health (and control), announce readiness once
 * the Worker is actually polling, and on SIGINT/SIGTERM or loss of the launcher stop in the right order.
 */
import type { NativeConnection } from '@temporalio/worker';
import type { ActivityHooks } from '../activities/index.js';
import type { Logger, LogFields, LogLevel } from '../logger.js';
import { watchPollFailures, type PollFailureWatch } from '../metrics/poll-failures.js';
import { activityMetrics } from '../metrics/worker.js';
import { announceReady, onShutdown } from '../process/lifecycle.js';
import type { LoopbackServer } from '../process/loopback-api.js';
import type { ControlServerOptions } from './control.js';
import { pingWith } from './health.js';
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
  connect(): Promise<NativeConnection>;
  create(connection: NativeConnection, activityHooks: ActivityHooks, pollFailures: PollFailureWatch): Promise<W>;
  control?(connection: NativeConnection, worker: W, pollFailures: PollFailureWatch): Omit<ControlServerOptions, 'address' | 'logger'> | undefined;
  /** Fields of the "started" line. */
  describe(worker: W): LogFields;
}

/** Resolves when the worker has stopped and everything is closed; rejects on a start-up or fatal worker error. */
export async function runWorkerProcess<W extends RunnableWorker>(options: WorkerProcessOptions<W>): Promise<void> {
  const { logger, metrics } = options;
  const runtime = installRuntime(logger, { logLevel: options.logLevel, metrics });
  const pollFailures = watchPollFailures({ metricsAddress: metrics.address, logger });
  let connection: NativeConnection | undefined;
  let worker: W | undefined;
  let ops: LoopbackServer;
  try {
    const conn = (connection = await options.connect());
    const created = (worker = await options.create(conn, activityMetrics(runtime.metricMeter), pollFailures));
    ops = await startOpsServer({
      address: options.ops.address,
      health: { workerState: () => created.state, workerFailure: () => created.failure, pingServer: pingWith(conn), pollFailures },
      control: options.control?.(conn, created, pollFailures),
      logger,
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') throw err;
      throw new StartupError(`Cannot listen on ${options.ops.address} (${err.code}); pick another address with ${options.ops.setting}.`);
    });
  } catch (err) {
    // A Worker that was created holds the connection: shut it down before closing the connection.
    pollFailures.stop();
    await worker?.shutdown();
    await connection?.close();
    throw err;
  }

  const conn = connection;
  const running = worker;
  const done = running
    .run()
    .finally(async () => {
      pollFailures.stop();
      await ops.close();
      await conn.close();
    })
    .then(() => logger.info(`${options.name} stopped`));
  onShutdown(
    async () => {
      await running.shutdown();
      await done;
    },
    (msg) => logger.info(msg),
  );
  await untilRunning(() => running.state, done);
  logger.info(`${options.name} started`, { ...options.describe(running), metrics: `http://${metrics.address}/metrics`, health: `${ops.url}/readyz` });
  announceReady({ component: options.component, url: ops.url });
  await done;
}
