/**
 * NexusOperation: each item ships through the Nexus shipping service, which another team runs in its own
 * namespace. The endpoint name comes from the worker's config via a recorded local activity.
 */
import { createNexusServiceClient, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { shippingService } from '../nexus/api.js';
import { NEXUS_SHIPPING, type OrderInput, type OrderResult } from '../temporal/contract.js';
import { currentOrder, runOrderFlow, type ShipItems } from './order-flow.js';
import { activityOptions } from './order-input.js';

const shipThroughNexus: ShipItems = async (ctx, items) => {
  const { GetShippingEndpoint } = proxyLocalActivities<Activities>(activityOptions(ctx.pace));
  const endpoint = await GetShippingEndpoint();
  const shipping = createNexusServiceClient({ service: shippingService, endpoint });
  const order = currentOrder(ctx);
  await Promise.all(
    items.map((item) =>
      shipping.executeOperation(NEXUS_SHIPPING.operation, { Order: order, Item: item }, { scheduleToCloseTimeout: '10 minutes' }),
    ),
  );
};

export async function OrderWorkflowNexusOperation(input: OrderInput): Promise<OrderResult> {
  return runOrderFlow(input, { shipItems: shipThroughNexus });
}
