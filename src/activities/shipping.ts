/** Shipping activities: the carrier call (ShipOrder) and where the Nexus shipping service lives. */
import { ApplicationFailure } from '@temporalio/activity';
import type { ShippingInput } from '../temporal/contract.js';
import { simulateCall } from './context.js';

/** The contract's 1–4 s carrier call, before TimeScale. */
export const MIN_SHIP_MS = 1_000;
export const MAX_SHIP_MS = 4_000;

export function createShipOrder(random: () => number = Math.random) {
  return async function shipOrder(input: ShippingInput): Promise<void> {
    await simulateCall(MIN_SHIP_MS + random() * (MAX_SHIP_MS - MIN_SHIP_MS), input.Order);
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
