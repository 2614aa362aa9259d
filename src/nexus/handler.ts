/**
 * Handler of the Nexus shipping service: each `ship-item` call starts a ShippingWorkflow in the handler's
 * namespace, on the handler worker's task queue. The workflow id is derived from the order and item, so
 * the same shipment is never started twice.
 */
import { startWorkflow, WorkflowRunOperationHandler } from '@temporalio/nexus';
import * as nexus from 'nexus-rpc';
import { NEXUS_SHIPPING, shipmentWorkflowId, SHIPPING_WORKFLOW_TYPE, type ShippingInput } from '../temporal/contract.js';
import { shippingService } from './api.js';

export const shippingServiceHandler = nexus.serviceHandler(shippingService, {
  [NEXUS_SHIPPING.operation]: new WorkflowRunOperationHandler<ShippingInput, void>(async (ctx, input) =>
    startWorkflow(ctx, SHIPPING_WORKFLOW_TYPE, {
      workflowId: shipmentWorkflowId(input.Order.OrderId, input.Item.id),
      args: [input],
    }),
  ),
});
