/**
 * The console's one Temporal call for the idempotence extension: start an order of its workflow type,
 * as every order starts (same id, same reuse rules, the console's pace). Counted like every console call.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { ConsoleMetrics } from '../metrics/console.js';
import { orderWorkflowId } from '../temporal/contract.js';
import { MAX_TIME_SCALE } from '../workflows/pace.js';
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
      const timeScale = Math.min(deps.config.web.timeScale * slowdown, MAX_TIME_SCALE);
      const input = { OrderId: orderId, Address: address, ...(timeScale === 1 ? {} : { TimeScale: timeScale }) };
      metrics.temporalCalls.inc({ method: 'startWorkflow' });
      try {
        await client.connection.withDeadline(Date.now() + (deps.timeoutMs ?? 3000), () =>
          client.workflow.start(IDEMPOTENCE_WORKFLOW_TYPE, {
            workflowId: orderWorkflowId(orderId),
            taskQueue: deps.config.taskQueue,
            args: [input],
            // As for every order: a double click finds the first order instead of starting another.
            workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
            workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
          }),
        );
        return { started: true };
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) return { started: false };
        throw err;
      }
    },
  };
}
