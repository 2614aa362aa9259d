/**
 * Where the order is in its code right now, derived from the view the order page already shows (steps,
 * compensations, stuck, awaiting a person, phase). Pure: the code view and its tests share it.
 */
import { ACTIVITY } from '../../temporal/contract.js';
import type { StepView } from '../orders/steps.js';
import type { OrderView } from '../orders/view.js';

/** The shared flow's own activities, in the order they run. */
export const MAIN_ACTIVITIES = [ACTIVITY.checkFraud, ACTIVITY.prepareShipment, ACTIVITY.chargeCustomer] as const;
export type MainActivity = (typeof MAIN_ACTIVITIES)[number];

export type Focus =
  | { kind: 'starting' }
  | { kind: 'activity'; activity: MainActivity; state: 'running' | 'retrying' | 'failed'; attempt: number | undefined }
  /** The durable timer after an activity (progress already moved). */
  | { kind: 'timer'; after: MainActivity }
  | { kind: 'awaiting-address' }
  /** Fulfilment: charged, waiting for a courier's first dispatch (the customer may still amend or cancel). */
  | { kind: 'awaiting-courier' }
  | { kind: 'shipping' }
  /** RecoverableFailure: the workflow task fails on a bug in the code. */
  | { kind: 'bug' }
  /** The saga's undos run (or ran): the compensation registrations. */
  | { kind: 'compensating'; done: boolean }
  | { kind: 'completed' }
  /** Ended any other way (terminated, timed out...): where it was, when known. */
  | { kind: 'ended'; phase: string; at: MainActivity | undefined };

export type FocusFacts = Pick<OrderView, 'phase' | 'terminal' | 'steps' | 'compensations' | 'stuck' | 'awaitingAddress'> & Partial<Pick<OrderView, 'fulfilment'>>;

export function focusOf(view: FocusFacts): Focus {
  if (view.stuck) return { kind: 'bug' };
  if (view.compensations.length > 0) return { kind: 'compensating', done: view.terminal };
  if (view.phase === 'completed') return { kind: 'completed' };
  const main = MAIN_ACTIVITIES.map((activity) => ({ activity, step: view.steps.find((s) => s.key === activity) }));
  const reached = main.filter((m) => m.step && m.step.state !== 'pending').at(-1);
  if (view.terminal) {
    const failed = main.find((m) => m.step?.state === 'failed');
    if (failed && view.phase === 'failed') return activityFocus(failed.activity, failed.step!);
    return { kind: 'ended', phase: view.phase, at: reached?.activity };
  }
  if (view.awaitingAddress) return { kind: 'awaiting-address' };
  // Fulfilment: after the charge's timer it waits for the first dispatch, then ships as couriers dispatch.
  if (view.fulfilment?.phase === 'awaiting-courier') return { kind: 'awaiting-courier' };
  if (view.fulfilment?.phase === 'shipping' || view.fulfilment?.phase === 'delivered') return { kind: 'shipping' };
  if (view.steps.some((s) => s.key.startsWith(`${ACTIVITY.shipOrder}-`) && s.state !== 'pending')) return { kind: 'shipping' };
  if (!reached) return { kind: 'starting' };
  if (reached.step!.state === 'completed') return { kind: 'timer', after: reached.activity };
  return activityFocus(reached.activity, reached.step!);
}

function activityFocus(activity: MainActivity, step: StepView): Focus {
  const state = step.state === 'retrying' ? 'retrying' : step.state === 'running' ? 'running' : 'failed';
  return { kind: 'activity', activity, state, attempt: step.attempt };
}

/** One line for the room: what the highlighted code is doing now. */
export function focusCaption(focus: Focus): string {
  switch (focus.kind) {
    case 'starting':
      return 'Starting: the local activity GetItems fetches the items.';
    case 'activity':
      if (focus.state === 'retrying') {
        return `${focus.activity} is retrying${focus.attempt ? ` (attempt ${focus.attempt})` : ''}: Temporal retries the activity; the workflow code just awaits it.`;
      }
      return focus.state === 'running' ? `Running the activity ${focus.activity}.` : `The activity ${focus.activity} failed.`;
    case 'timer':
      return `Durable timer after ${focus.after}: the worker holds nothing while it waits.`;
    case 'awaiting-address':
      return 'Waiting for a person: condition() with a timeout, woken by the UpdateOrder handler.';
    case 'awaiting-courier':
      return 'Waiting for a courier: condition() holds the order, durably, until a Dispatch update (or an amendment, or a cancel) wakes it.';
    case 'shipping':
      return 'Shipping every item in parallel.';
    case 'bug':
      return 'The workflow code throws here: the workflow task fails and Temporal retries it, nothing is lost.';
    case 'compensating':
      return focus.done
        ? 'The undos registered here ran, newest first, then the workflow failed with the original error.'
        : 'Compensating: the undos registered here run, newest first.';
    case 'completed':
      return 'Completed: the workflow returned its result.';
    case 'ended':
      return `The workflow ended (${focus.phase.replace(/_/g, ' ')})${focus.at ? ` after ${focus.at}` : ''}.`;
  }
}
