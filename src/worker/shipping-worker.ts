/**
 * The shipping team's worker: handles the Nexus shipping service in its own namespace and runs the
 * ShippingWorkflows it starts, with their ShipOrder activity. Like the orders worker, it makes a new Worker
 * when one fails (keep-running.ts), so an outage of its credentials or server does not end it.
 */
import { Worker, type NativeConnection, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityHooks } from '../activities/index.js';
import { ACTIVITY } from '../temporal/contract.js';
import type { Config } from '../config.js';
import type { Systems } from '../db/systems.js';
import type { Logger } from '../logger.js';
import { shippingServiceHandler } from '../nexus/handler.js';
import { bundleFromSource } from './bundles.js';
import { connectionCheck, failureCause } from './failures.js';
import { keepRunning, type WorkerFailure, type WorkerState } from './keep-running.js';
import { workerClass, workerTuning } from './tuning.js';

export interface ShippingWorkerOptions {
  config: Pick<Config, 'nexus' | 'worker'>;
  /** A connection to the handler's server (config.nexus.handler). */
  connection: NativeConnection;
  logger: Logger;
  /** Prebuilt bundle of src/workflows/shipping.ts; default: bundled from source. */
  workflowBundle?: WorkflowBundle;
  activityHooks?: ActivityHooks;
  /** The warehouse ShipOrder takes stock from; none: it only waits. */
  systems?: Systems;
  workerOptions?: Partial<WorkerOptions>;
  /** The status code of the worker's latest failed poll (from its metrics), to name why a Worker failed. */
  lastPollFailure?: () => string | undefined;
}

export interface ShippingWorkerHandle {
  readonly namespace: string;
  readonly taskQueue: string;
  readonly state: WorkerState;
  readonly failure: WorkerFailure | undefined;
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

export async function createShippingWorker(options: ShippingWorkerOptions): Promise<ShippingWorkerHandle> {
  const { config, connection, logger } = options;
  const namespace = config.nexus.handler.namespace;
  const all = createActivities({ logger, hooks: options.activityHooks, systems: options.systems });
  const workflowBundle = options.workflowBundle ?? (await bundleFromSource(logger)('shipping'));
  const check = connectionCheck(connection, namespace);
  const WorkerClass = workerClass(config.worker.tuning);
  const kept = await keepRunning({
    name: 'Shipping worker',
    logger,
    explain: (err) => failureCause(err, options.lastPollFailure),
    create: async () => {
      await check();
      return WorkerClass.create({
        connection,
        namespace,
        taskQueue: config.nexus.taskQueue,
        workflowBundle,
        activities: { [ACTIVITY.shipOrder]: all[ACTIVITY.shipOrder] },
        nexusServices: [shippingServiceHandler],
        shutdownGraceTime: '5s',
        ...workerTuning(config.worker.tuning),
        ...options.workerOptions,
      });
    },
  });
  return {
    namespace,
    taskQueue: config.nexus.taskQueue,
    get state() {
      return kept.state;
    },
    get failure() {
      return kept.failure;
    },
    run: () => kept.run(),
    shutdown: () => kept.shutdown(),
  };
}
