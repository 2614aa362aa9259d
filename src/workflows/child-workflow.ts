/** ChildWorkflow: each item ships in its own ShippingWorkflow child, terminated if the order closes first. */
import { executeChild, ParentClosePolicy } from '@temporalio/workflow';
import { shipmentWorkflowId, type OrderInput, type OrderResult } from '../temporal/contract.js';
import { currentOrder, runOrderFlow, type ShipItems } from './order-flow.js';
import { ShippingWorkflow } from './shipping.js';

const shipWithChildWorkflows: ShipItems = async (ctx, items) => {
  const order = currentOrder(ctx);
  await Promise.all(
    items.map((item) =>
      executeChild(ShippingWorkflow, {
        workflowId: shipmentWorkflowId(order.OrderId, item.id),
        args: [{ Order: order, Item: item }],
        parentClosePolicy: ParentClosePolicy.TERMINATE,
      }),
    ),
  );
};

export async function OrderWorkflowChildWorkflow(input: OrderInput): Promise<OrderResult> {
  return runOrderFlow(input, { shipItems: shipWithChildWorkflows });
}
