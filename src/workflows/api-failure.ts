/**
 * APIFailure: the same flow as HappyPath. ChargeCustomer sees this workflow type and fails its first
 * attempts; the activity retry policy, not workflow code, carries the order through.
 */
import type { OrderInput, OrderResult } from '../temporal/contract.js';
import { runOrderFlow } from './order-flow.js';

export async function OrderWorkflowAPIFailure(input: OrderInput): Promise<OrderResult> {
  return runOrderFlow(input);
}
