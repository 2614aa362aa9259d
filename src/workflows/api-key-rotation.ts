/**
 * APIKeyRotation: the HappyPath flow under its own type name (contract's tenth type). The scenario demo's
 * Python UI places it while a worker's API key is rotated, so the order to watch is easy to find.
 */
import type { OrderInput, OrderResult } from '../temporal/contract.js';
import { runOrderFlow } from './order-flow.js';

export async function OrderWorkflowAPIKeyRotation(input: OrderInput): Promise<OrderResult> {
  return runOrderFlow(input);
}
