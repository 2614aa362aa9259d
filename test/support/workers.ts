/**
 * In-process workers for a test file, against the run's dev server: an orders worker on a task queue of
 * the file's own (so suites that redeploy or kill workers stay independent) and, when asked, the Nexus
 * shipping worker in its namespace. Built through the same factories as the real entry points.
 */
import type { Systems } from '../../src/db/systems.js';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { inject } from 'vitest';
import type { Config } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { orderWorkflowId, workflowTypeOf, type OrderInput, type OrderResult, type Scenario } from '../../src/temporal/contract.js';
import { createOrdersWorker, type OrdersWorkerHandle } from '../../src/worker/orders-worker.js';
import { installRuntime } from '../../src/worker/runtime.js';
import { createShippingWorker, type ShippingWorkerHandle } from '../../src/worker/shipping-worker.js';
import { testBundles } from './bundles.js';
import { testConfig, uniqueTaskQueue } from './env.js';

/** Fast but still ordered: timers of 50/50/150 ms, shipping 50–200 ms, retries from 50 ms. */
export const FAST = 0.05;

export interface TestWorkers {
  config: Config;
  client: Client;
  orders: OrdersWorkerHandle;
  shipping: ShippingWorkerHandle | undefined;
  /** Starts an order of a scenario with a fresh OrderId on this file's task queue. */
  startOrder(scenario: Scenario, input?: Partial<OrderInput>, options?: { workflowTaskTimeout?: string }): Promise<WorkflowHandle>;
  stop(): Promise<void>;
}

export interface TestWorkerOptions {
  /** Also run the Nexus shipping handler worker (NexusOperation scenario). */
  shipping?: boolean;
  /** Start the orders worker with the RecoverableFailure fix deployed. */
  fixed?: boolean;
  /** Task queue name prefix, for readable ids in the dev server. */
  name: string;
  /** The outside systems the activities change (a test database); none: they only wait. */
  systems?: Systems;
  /** More settings, as environment variables (e.g. WORKER_WORKFLOW_STACK_TRACES). */
  env?: Record<string, string>;
}

export function testLogger(name = 'test-worker'): Logger {
  // Scenario suites fail activities on purpose (APIFailure, NonRecoverableFailure): only errors are news.
  return createLogger({ name, level: 'error', json: true });
}

/** The SDK runtime once per test process, quiet unless something is wrong. */
export function ensureRuntime(logger: Logger): void {
  try {
    installRuntime(logger);
  } catch {
    // Already installed by an earlier file in this process (Runtime.install throws then): keep it.
  }
}

export async function startTestWorkers(options: TestWorkerOptions): Promise<TestWorkers> {
  const logger = testLogger();
  ensureRuntime(logger);
  const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue(options.name), ...options.env });
  const address = inject('temporalAddress');
  const workerConnection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const orders = await createOrdersWorker({ config, connection: workerConnection, logger, workflowBundle: testBundles, fixed: options.fixed ?? false, systems: options.systems });
  const shipping = options.shipping
    ? await createShippingWorker({ config, connection: workerConnection, logger, workflowBundle: await testBundles('shipping'), systems: options.systems })
    : undefined;
  const running = Promise.all([orders.run(), shipping?.run()]);
  running.catch((err: unknown) => logger.error('Test worker failed', { error: err as Error }));

  return {
    config,
    client,
    orders,
    shipping,
    startOrder: (scenario, input = {}, startOptions = {}) => {
      const orderId = newOrderId();
      return client.workflow.start(workflowTypeOf(scenario), {
        taskQueue: config.taskQueue,
        workflowId: orderWorkflowId(orderId),
        args: [{ OrderId: orderId, Address: '123 Main St. Redwood, CA', TimeScale: FAST, ...input }],
        ...startOptions,
      });
    },
    async stop() {
      await Promise.all([orders.shutdown(), shipping?.shutdown()]);
      await running.catch(() => undefined);
      await workerConnection.close();
      await clientConnection.close();
    },
  };
}

let counter = 0;
/** OrderIds are digits; unique per run: process id, time and a counter. */
export function newOrderId(): string {
  counter += 1;
  return `${process.pid % 1000}${Date.now() % 1_000_000}${counter}`.slice(-12);
}

export async function resultOf(handle: WorkflowHandle): Promise<OrderResult> {
  return (await handle.result()) as OrderResult;
}

/** Polls `read` until `done` holds for its value; for states the audience would see change over time. */
export async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Timed out waiting for ${what}; last value ${JSON.stringify(last)}${lastError ? `, last error ${String(lastError)}` : ''}`);
}
