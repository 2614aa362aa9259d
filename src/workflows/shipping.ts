/**
 * ShippingWorkflow: ships one item by running ShipOrder with its own input. Started as a child
 * (ChildWorkflow scenario) or by the Nexus shipping handler in its own namespace (NexusOperation).
 * This file is also the shipping worker's whole workflow bundle, so it exports nothing else.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ShippingInput } from '../temporal/contract.js';
import { activityOptions } from './order-input.js';
import { paceOf } from './pace.js';

export async function ShippingWorkflow(input: ShippingInput): Promise<void> {
  const { ShipOrder } = proxyActivities<Activities>(activityOptions(paceOf(input.Order)));
  await ShipOrder(input);
}
