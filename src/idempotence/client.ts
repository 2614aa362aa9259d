/**
 * The console's one Temporal call for the idempotence extension: start an order of its workflow type,
 * as every order starts (same id, same reuse rules, the console's pace). Counted like every console call.
 */
import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { ConsoleMetrics } from '../metrics/console.js';
import { startOrderWorkflow, type ConsoleCall } from '../temporal/client.js';
import { IDEMPOTENCE_WORKFLOW_TYPE } from './api.js';

export interface IdempotenceClient {
  /** Starts the order unless its id was ever used (`started: false`: that order already exists). */
  start(order: { orderId: string; address: string; slowdown: number }): Promise<{ started: boolean }>;
}

export interface IdempotenceClientDeps {
  client: Client;
  config: Pick<Config, 'taskQueue' | 'web'>;
  metrics: Pick<ConsoleMetrics, 'temporalCalls'>;
  timeoutMs?: number;
}

export function createIdempotenceClient(deps: IdempotenceClientDeps): IdempotenceClient {
  const { client, metrics } = deps;
  return {
    async start({ orderId, address, slowdown }) {
      const call: ConsoleCall = (method, fn) => {
        metrics.temporalCalls.inc({ method });
        return client.connection.withDeadline(Date.now() + (deps.timeoutMs ?? 3000), fn);
      };
      const order = { workflowType: IDEMPOTENCE_WORKFLOW_TYPE, taskQueue: deps.config.taskQueue, timeScale: deps.config.web.timeScale, slowdown };
      return { started: await startOrderWorkflow(client, call, { ...order, input: { OrderId: orderId, Address: address } }) };
    },
  };
}
