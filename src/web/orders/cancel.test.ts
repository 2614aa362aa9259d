import { describe, expect, it } from 'vitest';
import { ALREADY_ENDED, cancelOption, TOO_LATE } from './cancel.js';
import type { StepView } from './steps.js';

const step = (key: string, state: StepView['state']): StepView => ({ key, label: key, state, attempt: undefined, failure: undefined, nextAttemptAt: undefined, via: undefined });
const before = [step('CheckFraud', 'completed'), step('ChargeCustomer', 'running'), step('ShipOrder-1', 'pending')];

describe('cancelling an order', () => {
  it('is offered until shipping starts, then refused with the reason', () => {
    expect(cancelOption({ terminal: false, cancelRequested: false, cancellable: true, steps: before })).toEqual({ state: 'available' });
    const shipping = [...before.slice(0, 2), step('ShipOrder-1', 'running')];
    expect(cancelOption({ terminal: false, cancelRequested: false, cancellable: undefined, steps: shipping })).toEqual({ state: 'refused', reason: TOO_LATE });
    // The worker's own word counts before the first ShipOrder reaches the history.
    expect(cancelOption({ terminal: false, cancelRequested: false, cancellable: false, steps: before })).toEqual({ state: 'refused', reason: TOO_LATE });
  });

  it('says a request is on its way, and refuses an ended order', () => {
    expect(cancelOption({ terminal: false, cancelRequested: true, cancellable: true, steps: before })).toEqual({ state: 'requested' });
    expect(cancelOption({ terminal: true, cancelRequested: true, cancellable: true, steps: before })).toEqual({ state: 'refused', reason: ALREADY_ENDED });
  });
});
