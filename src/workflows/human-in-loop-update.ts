/**
 * HumanInLoopUpdate: at 75 % a person may change the address with the UpdateOrder update, which is
 * validated (blank or letter-first addresses are rejected) and answers the sender.
 */
import type { OrderInput, OrderResult } from '../temporal/contract.js';
import { runOrderFlow } from './order-flow.js';

export async function OrderWorkflowHumanInLoopUpdate(input: OrderInput): Promise<OrderResult> {
  return runOrderFlow(input, { addressChannel: 'update' });
}
