/**
 * NonRecoverableFailure: ChargeCustomer rejects the card with a non-retryable InvalidCreditCard failure;
 * the shared flow undoes the charge and the shipment preparation, then fails with that error.
 */
import type { OrderInput, OrderResult } from '../temporal/contract.js';
import { runOrderFlow } from './order-flow.js';

export async function OrderWorkflowNonRecoverableFailure(input: OrderInput): Promise<OrderResult> {
  return runOrderFlow(input);
}
