/** HappyPath: the shared flow with nothing added. */
import type { OrderInput, OrderResult } from '../temporal/contract.js';
import { runOrderFlow } from './order-flow.js';

export async function OrderWorkflowHappyPath(input: OrderInput): Promise<OrderResult> {
  return runOrderFlow(input);
}
