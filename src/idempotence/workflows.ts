/**
 * OrderIdempotenceWorkflow: the shared order flow, unchanged. What makes it the idempotence scenario lives
 * in the ChargeCustomer activity, which sees this workflow type: its first attempt ends the worker right
 * after the payment provider recorded the charge (./crash.ts), so Temporal retries an activity whose effect
 * already happened, and the provider's idempotency key makes the retry charge nothing. Workflow-safe.
 */
import type { OrderInput, OrderResult } from '../temporal/contract.js';
import { runOrderFlow } from '../workflows/order-flow.js';

export async function OrderIdempotenceWorkflow(input: OrderInput): Promise<OrderResult> {
  return runOrderFlow(input);
}
