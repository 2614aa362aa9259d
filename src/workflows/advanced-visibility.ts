/** AdvancedVisibility: publishes each step as the OrderStatus search attribute, so List Workflows can filter on it. */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { ORDER_STATUS, type OrderInput, type OrderResult } from '../temporal/contract.js';
import { runOrderFlow } from './order-flow.js';

export async function OrderWorkflowAdvancedVisibility(input: OrderInput): Promise<OrderResult> {
  return runOrderFlow(input, {
    onStep: (status) => upsertSearchAttributes([{ key: ORDER_STATUS, value: status }]),
  });
}
