/**
 * The shipping team's worker: handles the Nexus shipping service in its own namespace and runs the
 * ShippingWorkflows it starts, with their ShipOrder activity.
 */
import { Worker, type NativeConnection, type State, type WorkerOptions, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityHooks } from '../activities/index.js';
import { ACTIVITY } from '../temporal/contract.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { shippingServiceHandler } from '../nexus/handler.js';
import { bundleFromSource } from './bundles.js';

export interface ShippingWorkerOptions {
  config: Pick<Config, 'nexus'>;
  /** A connection to the handler's server (config.nexus.handler). */
  connection: NativeConnection;
  logger: Logger;
  /** Prebuilt bundle of src/workflows/shipping.ts; default: bundled from source. */
  workflowBundle?: WorkflowBundle;
  activityHooks?: ActivityHooks;
  workerOptions?: Partial<WorkerOptions>;
}

export interface ShippingWorkerHandle {
  readonly namespace: string;
  readonly taskQueue: string;
  readonly state: State;
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

export async function createShippingWorker(options: ShippingWorkerOptions): Promise<ShippingWorkerHandle> {
  const { config, connection, logger } = options;
  const all = createActivities({ logger, hooks: options.activityHooks });
  const worker = await Worker.create({
    connection,
    namespace: config.nexus.handler.namespace,
    taskQueue: config.nexus.taskQueue,
    workflowBundle: options.workflowBundle ?? (await bundleFromSource(logger)('shipping')),
    activities: { [ACTIVITY.shipOrder]: all[ACTIVITY.shipOrder] },
    nexusServices: [shippingServiceHandler],
    shutdownGraceTime: '5s',
    ...options.workerOptions,
  });
  let running: Promise<void> | undefined;
  return {
    namespace: config.nexus.handler.namespace,
    taskQueue: config.nexus.taskQueue,
    get state() {
      return worker.getState();
    },
    run() {
      running ??= worker.run();
      return running;
    },
    async shutdown() {
      if (!running) running = worker.runUntil(Promise.resolve());
      else if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
