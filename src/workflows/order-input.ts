/**
 * Turns the recorded workflow input into the values the flow runs with. Another implementation's UI
 * sends only OrderId and Address, so everything else is optional and defaulted.
 */
import { ApplicationFailure, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import { DEFAULT_ADDRESS, isOrderId, orderIdOf, type OrderInput } from '../temporal/contract.js';
import { scaled, timeScaleOf, type Pace } from './pace.js';

/** The input as the flow uses it: every field present and valid. */
export interface Order extends OrderInput {
  TimeScale: number;
}

/** Validates the input; a missing OrderId falls back to the one in the workflow id (order-{OrderId}). */
export function normalizeOrder(input: Partial<OrderInput> | undefined): Order {
  const orderId = isOrderId(input?.OrderId) ? input.OrderId : orderIdOf(workflowInfo().workflowId);
  if (orderId === undefined) {
    throw ApplicationFailure.create({
      type: 'InvalidOrderInput',
      message: `OrderId must be a string of digits, got ${JSON.stringify(input?.OrderId)}`,
      nonRetryable: true,
    });
  }
  const address = typeof input?.Address === 'string' && input.Address.trim() !== '' ? input.Address : DEFAULT_ADDRESS;
  const order: Order = { OrderId: orderId, Address: address, TimeScale: timeScaleOf(input) };
  if (typeof input?.HumanWaitSeconds === 'number') order.HumanWaitSeconds = input.HumanWaitSeconds;
  return order;
}

/**
 * ShipOrder heartbeats each of its steps (picked, packed, labelled, handed over: well under a second apart).
 * A worker killed mid-shipment stops them, and the server retries the activity once this much passes
 * without one, instead of waiting for the 5 s start-to-close timeout; the retry resumes after the last step
 * heard. Not scaled with the pace: like the timeout, it guards real work, and a shared, busy machine must not
 * see a live attempt as dead.
 */
export const SHIP_ORDER_HEARTBEAT_TIMEOUT = '2s';

/** ShipOrder's options: the contract's, plus the heartbeat timeout (behind patched(SHIP_ORDER_HEARTBEAT)). */
export function shipOrderOptions(pace: Pace): ActivityOptions {
  return { ...activityOptions(pace), heartbeatTimeout: SHIP_ORDER_HEARTBEAT_TIMEOUT };
}

/** Contract activity options; retry intervals follow the pace, the timeout does not (it guards real work). */
export function activityOptions(pace: Pace): ActivityOptions {
  return {
    startToCloseTimeout: '5s',
    retry: {
      initialInterval: scaled(1_000, pace),
      backoffCoefficient: 2,
      maximumInterval: scaled(30_000, pace),
    },
  };
}
