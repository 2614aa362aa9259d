/**
 * The console's Temporal calls for fulfilment orders: start one, the couriers' and the customer's updates,
 * and the list of fulfilment orders still running (the courier board's discovery). Counted and bounded
 * like every other console call (src/temporal/client.ts). A validator's refusal comes back as an outcome
 * (`accepted: false` and the workflow's own words); anything else Temporal says is thrown.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { Config } from '../config.js';
import type { ConsoleMetrics } from '../metrics/console.js';
import { startOrderWorkflow } from '../temporal/client.js';
import { orderIdOf, orderWorkflowId } from '../temporal/contract.js';
import {
  amendOrderUpdate,
  confirmAmendmentUpdate,
  deliverShipmentUpdate,
  dispatchShipmentUpdate,
  FULFILMENT_WORKFLOW_TYPE,
  type QuantityChange,
} from './api.js';

/** `result`: what the workflow's handler returned (the shipment, or the amendment), when it took the update. */
export type UpdateAnswer = { accepted: true; message: string; result?: unknown } | { accepted: false; message: string };

export interface FulfilmentClient {
  /** Starts the order unless its id was ever used (`started: false`: that order already exists). */
  start(order: { orderId: string; address: string; slowdown: number }): Promise<{ started: boolean }>;
  dispatch(orderId: string, itemId: number): Promise<UpdateAnswer>;
  deliver(orderId: string, itemId: number): Promise<UpdateAnswer>;
  amend(orderId: string, items: QuantityChange[]): Promise<UpdateAnswer>;
  confirm(orderId: string): Promise<UpdateAnswer>;
  /** Order ids of the fulfilment orders running now (visibility; newest first, at most `limit`). */
  listRunning(limit?: number): Promise<string[]>;
}

export interface FulfilmentClientDeps {
  client: Client;
  config: Pick<Config, 'taskQueue' | 'web'>;
  metrics: Pick<ConsoleMetrics, 'temporalCalls'>;
  timeoutMs?: number;
}

const ENDED = /already completed|workflow execution.*(completed|not found)|not found/i;

export function createFulfilmentClient(deps: FulfilmentClientDeps): FulfilmentClient {
  const { client, metrics } = deps;
  const quick = deps.timeoutMs ?? 3000;
  const call = async <T>(method: string, fn: () => Promise<T>, timeoutMs = quick): Promise<T> => {
    metrics.temporalCalls.inc({ method });
    return client.connection.withDeadline(Date.now() + timeoutMs, fn);
  };
  const handle = (orderId: string) => client.workflow.getHandle(orderWorkflowId(orderId));
  /** An update's answer: the workflow's words when it took it or its validator refused it. */
  const update = async (orderId: string, done: string, run: () => Promise<unknown>): Promise<UpdateAnswer> => {
    try {
      const result = await call('updateWorkflow', run, quick * 3);
      return { accepted: true, message: done, result };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) return { accepted: false, message: err.cause?.message ?? err.message };
      // An update sent to an order that has ended: a person's answer, not a server problem.
      if (err instanceof Error && ENDED.test(err.message)) return { accepted: false, message: 'The order has already ended.' };
      throw err;
    }
  };

  return {
    async start({ orderId, address, slowdown }) {
      const order = { workflowType: FULFILMENT_WORKFLOW_TYPE, taskQueue: deps.config.taskQueue, timeScale: deps.config.web.timeScale, slowdown };
      return { started: await startOrderWorkflow(client, call, { ...order, input: { OrderId: orderId, Address: address } }) };
    },
    dispatch: (orderId, itemId) =>
      update(orderId, 'Dispatched: the courier is on the way.', () => handle(orderId).executeUpdate(dispatchShipmentUpdate, { args: [{ itemId }] })),
    deliver: (orderId, itemId) =>
      update(orderId, 'Delivered.', () => handle(orderId).executeUpdate(deliverShipmentUpdate, { args: [{ itemId }] })),
    amend: (orderId, items) =>
      update(orderId, 'Amended: confirm the new quantities before the deadline, or the order is cancelled.', () =>
        handle(orderId).executeUpdate(amendOrderUpdate, { args: [{ items }] }),
      ),
    confirm: (orderId) => update(orderId, 'Confirmed: the couriers can take the order.', () => handle(orderId).executeUpdate(confirmAmendmentUpdate)),
    async listRunning(limit = 50) {
      const ids: string[] = [];
      await call('listWorkflows', async () => {
        // A fixed query: nothing user-typed is interpolated.
        const query = `WorkflowType = "${FULFILMENT_WORKFLOW_TYPE}" AND ExecutionStatus = "Running"`;
        for await (const info of client.workflow.list({ query, pageSize: limit })) {
          const id = orderIdOf(info.workflowId);
          if (id) ids.push(id);
          if (ids.length >= limit) break;
        }
      });
      return ids;
    },
  };
}
