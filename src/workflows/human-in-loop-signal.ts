/** HumanInLoopSignal: at 75 % a person may change the address with the UpdateOrder signal (fire and forget). */
import type { OrderInput, OrderResult } from '../temporal/contract.js';
import { runOrderFlow } from './order-flow.js';

export async function OrderWorkflowHumanInLoopSignal(input: OrderInput): Promise<OrderResult> {
  return runOrderFlow(input, { addressChannel: 'signal' });
}
