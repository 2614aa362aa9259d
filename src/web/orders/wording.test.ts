import { describe, expect, it } from 'vitest';
import type { FailureInfo } from './failures.js';
import type { StepView } from './steps.js';
import { failureWords, nextAttemptWords, plainFailureMessage, statusLabel, statusPill, stepStateLabel } from './wording.js';

const step = (state: StepView['state']): StepView => ({
  key: 'ChargeCustomer', label: 'Charge customer', state, attempt: undefined, failure: undefined, nextAttemptAt: undefined, via: undefined,
});
const running = {
  phase: 'running' as const, stuck: undefined, waitingForWorker: false, awaitingAddress: undefined, compensations: [], steps: [step('running')],
};
const stuck = { message: 'Simulated bug - fix me!', attempts: 3, simulatedBug: true, where: undefined, retryEveryMs: 2000, slowingDown: false, nextRetryAt: undefined };

describe('statusPill', () => {
  it('says what a running order is doing, most pressing first', () => {
    expect(statusPill(running)).toEqual({ kind: 'running', label: 'Running', tone: 'active' });
    expect(statusPill({ ...running, steps: [step('retrying')] })).toEqual({ kind: 'retrying', label: 'Retrying', tone: 'warn' });
    const waiting = { ...running, awaitingAddress: { via: 'update' as const, deadline: 1 } };
    expect(statusPill(waiting)).toEqual({ kind: 'waiting-for-you', label: 'Waiting for you', tone: 'attention' });
    const compensating = { ...running, steps: [step('failed')], compensations: [step('running')] };
    expect(statusPill(compensating)).toEqual({ kind: 'compensating', label: 'Compensating', tone: 'danger' });
    expect(statusPill({ ...compensating, waitingForWorker: true }).kind).toBe('waiting-for-worker');
    expect(statusPill({ ...running, waitingForWorker: true, stuck })).toEqual({ kind: 'stuck', label: 'Stuck: bug in the code', tone: 'warn' });
  });

  it('names an ended order by its ending, red when it failed', () => {
    expect(statusPill({ ...running, phase: 'completed' })).toEqual({ kind: 'completed', label: 'Completed', tone: 'ok' });
    expect(statusPill({ ...running, phase: 'failed', compensations: [step('completed')] })).toEqual({ kind: 'failed', label: 'Failed', tone: 'danger' });
    expect(statusPill({ ...running, phase: 'timed_out' }).label).toBe('Timed out');
  });
});

describe('stepStateLabel', () => {
  it('reads a compensation as an undo, never as "Done"', () => {
    expect(stepStateLabel('completed')).toBe('Done');
    expect(stepStateLabel('completed', true)).toBe('Undone');
    expect(stepStateLabel('running', true)).toBe('Undoing');
    expect(stepStateLabel('failed', true)).toBe('Undo failed');
    expect(stepStateLabel('pending', true)).toBe('Not started');
  });
});

describe('failureWords', () => {
  const base: FailureInfo = { message: 'Activity task failed', rootMessage: 'Invalid credit card number: the payment was declined', rootType: 'InvalidCreditCard' };

  it('names the step that failed and why, not the SDK\'s wrapper', () => {
    expect(failureWords({ ...base, source: { kind: 'activity', name: 'ChargeCustomer' }, nonRetryable: true })).toEqual({
      headline: 'Charge customer failed: Invalid credit card number: the payment was declined',
      why: 'The error (InvalidCreditCard) is marked non-retryable, so Temporal did not try again.',
    });
  });

  it('reads child workflows, Nexus operations, timeouts and failures of the workflow itself', () => {
    expect(failureWords({ ...base, rootType: undefined, source: { kind: 'child', name: 'ShippingWorkflow' } }))
      .toEqual({ headline: 'Child workflow ShippingWorkflow failed: Invalid credit card number: the payment was declined', why: undefined });
    expect(failureWords({ ...base, source: { kind: 'nexus', name: 'ship-item' } }).headline).toMatch(/^Nexus operation ship-item failed: /);
    expect(failureWords({ ...base, source: { kind: 'activity', name: 'ShipOrder' }, timeoutType: 'START_TO_CLOSE' }))
      .toEqual({ headline: 'Ship order ran out of time', why: 'It took longer than its start-to-close timeout allows.' });
    expect(failureWords({ message: 'boom', rootMessage: 'boom', rootType: undefined })).toEqual({ headline: 'The workflow failed: boom', why: undefined });
    expect(failureWords({ ...base, rootMessage: ' ', source: { kind: 'activity', name: 'Mystery' } }).headline).toBe('Mystery failed');
  });
});

describe('plainFailureMessage', () => {
  it('rewords the SDK\'s timeouts and keeps an application error\'s own message', () => {
    expect(plainFailureMessage('activity StartToClose timeout')).toBe('the attempt ran out of time (its start-to-close timeout)');
    expect(plainFailureMessage('activity Heartbeat timeout')).toBe('the attempt ran out of time (its heartbeat timeout)');
    expect(plainFailureMessage('API unavailable')).toBe('API unavailable');
    expect(plainFailureMessage(undefined)).toBeUndefined();
  });
});

describe('nextAttemptWords', () => {
  it('counts whole seconds up to the retry, then says it is due', () => {
    expect(nextAttemptWords(10_000, 1_500)).toBe('next attempt in 9 s');
    expect(nextAttemptWords(10_000, 9_999)).toBe('next attempt in 1 s');
    expect(nextAttemptWords(10_000, 10_000)).toBe('next attempt any moment now');
    expect(nextAttemptWords(10_000, 12_000)).toBe('next attempt any moment now');
  });
});

describe('statusLabel', () => {
  it('reads visibility and describe() status names as people say them', () => {
    expect(statusLabel('TimedOut')).toBe('Timed out');
    expect(statusLabel('TIMED_OUT')).toBe('Timed out');
    expect(statusLabel('Canceled')).toBe('Cancelled');
    expect(statusLabel('CANCELLED')).toBe('Cancelled');
    expect(statusLabel('CONTINUED_AS_NEW')).toBe('Continued as new');
    expect(statusLabel('ContinuedAsNew')).toBe('Continued as new');
    expect(statusLabel('Running')).toBe('Running');
  });
});
