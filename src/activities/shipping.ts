/** Shipping activities: the carrier call (ShipOrder) and where the Nexus shipping service lives. */
import { ApplicationFailure } from '@temporalio/activity';
import type { Systems } from '../db/systems.js';
import { orderWorkflowId, type ShippingInput } from '../temporal/contract.js';
import { callInfo, simulateCall } from './context.js';

/** The contract's 1–4 s carrier call, before TimeScale. */
export const MIN_SHIP_MS = 1_000;
export const MAX_SHIP_MS = 4_000;

/**
 * The carrier call. With the warehouse, the item leaves its stock halfway through, keyed by this activity's
 * own run and item (a ShippingWorkflow child, a Nexus operation's workflow or the order itself): it takes
 * the order's reservation, once however often the call is retried.
 */
export function createShipOrder(random: () => number = Math.random, systems?: Systems) {
  return async function shipOrder(input: ShippingInput): Promise<void> {
    const ms = MIN_SHIP_MS + random() * (MAX_SHIP_MS - MIN_SHIP_MS);
    await simulateCall(ms / 2, input.Order);
    if (systems) {
      const info = callInfo();
      const key = `ship/${info.workflowId ?? ''}/${info.runId ?? ''}/${input.Item.id}`;
      await systems.warehouse.ship(orderWorkflowId(input.Order.OrderId), key, { itemId: input.Item.id, quantity: input.Item.quantity });
    }
    await simulateCall(ms / 2, input.Order);
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
