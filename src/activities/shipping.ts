/** Shipping activities: the carrier call (ShipOrder) and where the Nexus shipping service lives. */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Systems } from '../db/systems.js';
import { orderWorkflowId, type ShippingInput } from '../temporal/contract.js';
import { callInfo, simulateCall } from './context.js';

/** The contract's 1–4 s carrier call, before TimeScale. */
export const MIN_SHIP_MS = 1_000;
export const MAX_SHIP_MS = 4_000;

/** The shipment's steps, heartbeated as each one is done (the Temporal UI shows the last in the pending activity). */
export const SHIP_STEPS = ['picked', 'packed', 'labelled', 'handed over'] as const;
export type ShipStep = (typeof SHIP_STEPS)[number];

/** What ShipOrder heartbeats: the last step done. A retry (another worker, after a kill) resumes after it. */
export interface ShipProgress {
  step: ShipStep;
  done: number;
}

/**
 * The carrier call, in four steps (picked, packed, labelled, handed over), each heartbeated with its name:
 * an attempt that starts again after a worker died mid-shipment resumes after the last step it heard of,
 * which the activity's heartbeat details carry. With the warehouse, the item leaves its stock when it is
 * picked, keyed by this activity's own run and item (a ShippingWorkflow child, a Nexus operation's workflow or
 * the order itself): it takes the order's reservation, once however often the call is retried.
 */
export function createShipOrder(random: () => number = Math.random, systems?: Systems) {
  return async function shipOrder(input: ShippingInput): Promise<void> {
    const ms = MIN_SHIP_MS + random() * (MAX_SHIP_MS - MIN_SHIP_MS);
    const context = Context.current();
    const resumed = context.info.heartbeatDetails as ShipProgress | undefined;
    for (let i = resumed?.done ?? 0; i < SHIP_STEPS.length; i++) {
      await simulateCall(ms / SHIP_STEPS.length, input.Order);
      const step = SHIP_STEPS[i]!;
      if (step === 'picked' && systems) {
        const info = callInfo();
        const key = `ship/${info.workflowId ?? ''}/${info.runId ?? ''}/${input.Item.id}`;
        await systems.warehouse.ship(orderWorkflowId(input.Order.OrderId), key, { itemId: input.Item.id, quantity: input.Item.quantity });
      }
      context.heartbeat({ step, done: i + 1 } satisfies ShipProgress);
    }
  };
}

/**
 * Local activity for the NexusOperation scenario. The endpoint name is deployment config and workflow
 * code cannot read config; asking the worker through a local activity records the answer in history,
 * so a replay (or a worker deployed with other config) sees the endpoint the order actually used.
 */
export function createGetShippingEndpoint(endpoint: string | undefined) {
  return async function getShippingEndpoint(): Promise<string> {
    if (!endpoint) {
      throw ApplicationFailure.create({
        type: 'NexusEndpointNotConfigured',
        message: 'This worker has no Nexus shipping endpoint configured (TEMPORAL_NEXUS_SHIPPING_ENDPOINT)',
        nonRetryable: true,
      });
    }
    return endpoint;
  };
}
