/**
 * Whether an order can be cancelled now. Cancelling is Temporal's own workflow cancellation: the workflow
 * undoes what it did (its saga) and ends Canceled. Once the items ship it is too late: our workflow then
 * records the request and ignores it (order-flow.ts), so the console refuses it first, with the reason.
 */
import type { StepView } from './steps.js';

export type CancelOption =
  | { state: 'available' }
  | { state: 'requested' }
  | { state: 'refused'; reason: string };

export const TOO_LATE = 'The items are on their way: an order can no longer be cancelled once shipping has started.';
export const ALREADY_ENDED = 'The order has already ended.';

export interface CancelFacts {
  terminal: boolean;
  cancelRequested: boolean;
  /** The worker's word (getOrderState), when it has it: false once shipping started. */
  cancellable: boolean | undefined;
  steps: readonly StepView[];
}

export function cancelOption(f: CancelFacts): CancelOption {
  if (f.terminal) return { state: 'refused', reason: ALREADY_ENDED };
  // Shipping shows in the history (a ShipOrder activity, child workflow or Nexus operation) even when the
  // worker is another language's and does not answer getOrderState.
  const shipping = f.cancellable === false || f.steps.some((s) => s.key.startsWith('ShipOrder') && s.state !== 'pending');
  if (shipping) return { state: 'refused', reason: TOO_LATE };
  if (f.cancelRequested) return { state: 'requested' };
  return { state: 'available' };
}
