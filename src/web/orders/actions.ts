/**
 * What a person does to an order, once, for the pages and the JSON API alike: place it, send it a new
 * address, cancel it. Each returns an outcome the caller words for its medium (a form, a JSON answer);
 * Temporal errors are thrown, for the caller to answer "not now, and why".
 */
import type { Scenario } from '../../temporal/contract.js';
import type { RouteContext } from '../deps.js';
import { isUnknownUpdate, UPDATE_NOT_OPEN_YET, updateAnswerText } from '../update-answers.js';
import { addressProblem } from '../validate.js';
import type { OrderView } from './view.js';

export interface NewOrder {
  scenario: Scenario;
  orderId: string;
  address: string;
  /** How many times slower than the configured pace (1, 2, 3). */
  slowdown: number;
}

/** Starts the order unless its id was ever used: `started: false` means that order already exists. */
export async function placeOrder(ctx: Pick<RouteContext, 'client' | 'metrics' | 'logger'>, order: NewOrder): Promise<{ started: boolean }> {
  const { started } = await ctx.client.startOrder(order.scenario, { OrderId: order.orderId, Address: order.address }, { slowdown: order.slowdown });
  if (started) ctx.metrics.ordersStarted.inc({ scenario: order.scenario });
  else ctx.logger.info('Order already exists: showing it', { orderId: order.orderId, scenario: order.scenario });
  return { started };
}

export type AddressOutcome =
  /** Taken: a signal was sent, or the workflow's update handler accepted it; `message` says so. */
  | { kind: 'sent'; message: string }
  /** Refused before sending (`invalid`, `not-waiting`) or by the workflow's validator (`rejected`). */
  | { kind: 'invalid' | 'not-waiting' | 'rejected'; message: string }
  /** The worker does not take address changes yet (a worker that opens its handler only when the wait begins). */
  | { kind: 'not-open-yet'; message: string };

export const NOT_WAITING = 'The order is not waiting for a new address (any more).';

/** Sends a new address through the channel the order's scenario waits on (signal or update). */
export async function changeAddress(ctx: Pick<RouteContext, 'client'>, view: OrderView, address: string): Promise<AddressOutcome> {
  const problem = addressProblem(address);
  if (problem) return { kind: 'invalid', message: problem };
  const waiting = view.awaitingAddress;
  // Late, or a scenario without a person in the loop: a signal would be ignored, an update rejected.
  if (!waiting) return { kind: 'not-waiting', message: NOT_WAITING };
  if (waiting.via === 'signal') {
    await ctx.client.signalAddress(view.orderId, address);
    return { kind: 'sent', message: `Signal sent: the order will ship to ${address}.` };
  }
  const outcome = await ctx.client.updateAddress(view.orderId, address);
  // Whichever worker answered: ours says "Updated address: X", Go's "X".
  if (outcome.accepted) return { kind: 'sent', message: updateAnswerText(outcome.message, address) };
  if (isUnknownUpdate(outcome.message)) return { kind: 'not-open-yet', message: UPDATE_NOT_OPEN_YET };
  return { kind: 'rejected', message: outcome.message };
}

export type CancelOutcome = { kind: 'requested' } | { kind: 'refused'; message: string };

/** Temporal's own cancellation of the order's workflow, unless it is too late (see cancel.ts). */
export async function cancelOrder(ctx: Pick<RouteContext, 'client' | 'logger'>, view: OrderView): Promise<CancelOutcome> {
  if (view.cancel.state === 'refused') return { kind: 'refused', message: view.cancel.reason };
  await ctx.client.cancelOrder(view.orderId);
  ctx.logger.info('Order cancelled from the console', { orderId: view.orderId });
  return { kind: 'requested' };
}
