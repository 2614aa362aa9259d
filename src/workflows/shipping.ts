/**
 * ShippingWorkflow: ships one item by running ShipOrder with its own input. Started as a child
 * (ChildWorkflow scenario) or by the Nexus shipping handler in its own namespace (NexusOperation).
 * This file is also the shipping worker's whole workflow bundle, so it exports nothing else.
 */
import { patched, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ShippingInput } from '../temporal/contract.js';
import { SHIP_ORDER_HEARTBEAT } from './extras.js';
import { activityOptions, shipOrderOptions } from './order-input.js';
import { paceOf } from './pace.js';

export async function ShippingWorkflow(input: ShippingInput): Promise<void> {
  const pace = paceOf(input.Order);
  // With a heartbeat timeout from this change on (see order-input.ts); shipments started before, as they were.
  const options = patched(SHIP_ORDER_HEARTBEAT) ? shipOrderOptions(pace) : activityOptions(pace);
  const { ShipOrder } = proxyActivities<Activities>(options);
  await ShipOrder(input);
}
