/**
 * The orders worker: every order workflow, ShippingWorkflow (children of the ChildWorkflow scenario run
 * here too) and all activities, on the orders task queue. Its handle can redeploy in place: the fixed
 * RecoverableFailure code replaces the running Worker without restarting the process.
 */
import { Worker, type NativeConnection, type State, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityHooks } from '../activities/index.js';
import { openLedger } from '../activities/ledger.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { bundleFromSource, ordersEntry, type BundleProvider } from './bundles.js';

export interface OrdersWorkerOptions {
  config: Pick<Config, 'temporal' | 'taskQueue' | 'nexus' | 'worker' | 'payments'>;
  connection: NativeConnection;
  logger: Logger;
  /** Workflow bundles by entry; default: bundle from source when needed (takes seconds). */
  workflowBundle?: BundleProvider;
  /** Start with the RecoverableFailure fix deployed; default config.worker.fixedRecoverableFailure. */
  fixed?: boolean;
  activityHooks?: ActivityHooks;
  /** Extra Worker options (e.g. interceptors or tuning from the metrics module). */
  workerOptions?: Partial<WorkerOptions>;
}

export interface OrdersWorkerHandle {
  readonly taskQueue: string;
  /** Whether the running code has the RecoverableFailure fix. */
  readonly fixed: boolean;
  /** State of the Worker serving now (STOPPING or STOPPED for a moment while a redeploy swaps it). */
  readonly state: State;
  /** Polls until shutdown(); keeps going across redeploys. Rejects on a fatal worker error. */
  run(): Promise<void>;
  /** Stops polling, lets in-flight tasks finish (up to the grace time) and resolves when run() has. */
  shutdown(): Promise<void>;
  /**
   * Replaces the running Worker with one built from the fixed code (or the original, `fixed: false`).
   * The old Worker serves until the new bundle is ready. Resolves once the new Worker is created.
   */
  redeploy(options?: { fixed?: boolean }): Promise<void>;
}

interface Swap {
  fixed: boolean;
  bundle: WorkflowBundle;
  resolve(): void;
  reject(err: unknown): void;
}

export async function createOrdersWorker(options: OrdersWorkerOptions): Promise<OrdersWorkerHandle> {
  const { config, connection, logger } = options;
  const bundles = options.workflowBundle ?? bundleFromSource(logger);
  const activities = createActivities({
    logger,
    hooks: options.activityHooks,
    shippingEndpoint: config.nexus.endpoint,
    ledger: config.payments.ledgerFile ? openLedger(config.payments.ledgerFile) : undefined,
  });
  const build = (bundle: WorkflowBundle): Promise<Worker> =>
    Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.taskQueue,
      workflowBundle: bundle,
      activities,
      shutdownGraceTime: '5s',
      ...options.workerOptions,
    });

  let fixed = options.fixed ?? config.worker.fixedRecoverableFailure;
  let current = await build(await bundles(ordersEntry(fixed)));
  let stopRequested = false;
  let running: Promise<void> | undefined;
  let redeploying: Promise<void> | undefined;
  let swap: Swap | undefined;

  // The only place that runs Workers: when one stops because of a redeploy, its successor takes over.
  const loop = async (): Promise<void> => {
    for (;;) {
      await current.run();
      const next = swap;
      if (!next) return;
      swap = undefined;
      try {
        current = await build(next.bundle);
      } catch (err) {
        next.reject(err);
        throw err;
      }
      fixed = next.fixed;
      next.resolve();
      logger.info('Worker redeployed', { taskQueue: config.taskQueue, fixedRecoverableFailure: fixed });
      if (stopRequested) return void (await current.runUntil(Promise.resolve()));
    }
  };

  const redeploy = async (next: boolean): Promise<void> => {
    logger.info('Redeploying worker', { taskQueue: config.taskQueue, fixedRecoverableFailure: next });
    const bundle = await bundles(ordersEntry(next));
    if (stopRequested) throw new Error('The worker is shutting down; redeploy cancelled');
    const done = new Promise<void>((resolve, reject) => (swap = { fixed: next, bundle, resolve, reject }));
    current.shutdown();
    await done;
  };

  return {
    taskQueue: config.taskQueue,
    get fixed() {
      return fixed;
    },
    get state() {
      return current.getState();
    },
    run() {
      running ??= loop();
      return running;
    },
    async shutdown() {
      stopRequested = true;
      if (!running) running = current.runUntil(Promise.resolve());
      else if (current.getState() === 'RUNNING' && !swap) current.shutdown();
      await running;
    },
    redeploy({ fixed: next = true } = {}) {
      if (!running || stopRequested) return Promise.reject(new Error('redeploy() needs a running worker'));
      redeploying ??= redeploy(next).finally(() => (redeploying = undefined));
      return redeploying;
    },
  };
}
