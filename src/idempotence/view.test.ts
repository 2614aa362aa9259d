import { describe, expect, it } from 'vitest';
import type { StepView } from '../web/orders/steps.js';
import { IDEMPOTENCE_WORKFLOW_TYPE, isIdempotence } from './api.js';
import { IDEMPOTENCE_HAPPENED, idempotenceHappened, idempotenceNote } from './view.js';

const step = (key: string, state: StepView['state'], attempt?: number): StepView => ({
  key, label: key, state, attempt, failure: undefined, nextAttemptAt: undefined, via: undefined,
});
const order = (charge: StepView | undefined, more: { terminal?: boolean; phase?: 'running' | 'completed' | 'failed' } = {}) => ({
  workflowType: IDEMPOTENCE_WORKFLOW_TYPE,
  steps: [step('CheckFraud', 'completed', 1), step('PrepareShipment', 'completed', 1), ...(charge ? [charge] : [])],
  terminal: more.terminal ?? false,
  phase: more.phase ?? 'running',
});

describe('the idempotence order on its page', () => {
  it('is its own workflow type, never a contract one', () => {
    expect(IDEMPOTENCE_WORKFLOW_TYPE.startsWith('OrderWorkflow')).toBe(false);
    expect(isIdempotence(IDEMPOTENCE_WORKFLOW_TYPE)).toBe(true);
    expect(isIdempotence('OrderWorkflowHappyPath')).toBe(false);
  });

  it('says where the story stands: before the charge, attempt 1 losing its report, the retry answered from the key', () => {
    expect(idempotenceNote(order(step('ChargeCustomer', 'pending')))?.stage).toBe('before-charge');
    expect(idempotenceNote(order(undefined))?.stage).toBe('before-charge');
    expect(idempotenceNote(order(step('ChargeCustomer', 'running', 1)))?.stage).toBe('losing-report');
    const retrying = idempotenceNote(order(step('ChargeCustomer', 'retrying', 2)));
    expect(retrying).toEqual({ stage: 'retried', text: expect.stringContaining('attempt 2 is running') });
    const done = idempotenceNote(order(step('ChargeCustomer', 'completed', 2)));
    expect(done?.text).toMatch(/^The worker died after the charge, before reporting it\. Temporal retried: attempt 2 succeeded, .*charged nothing/);
  });

  it('an order of another type gets no note and no "what just happened" of this one', () => {
    expect(idempotenceNote({ ...order(step('ChargeCustomer', 'completed', 2)), workflowType: 'OrderWorkflowAPIFailure' })).toBeUndefined();
    expect(idempotenceHappened({ workflowType: 'OrderWorkflowHappyPath', phase: 'completed' })).toBeUndefined();
  });

  it('"what just happened" once it completed, only then', () => {
    expect(idempotenceHappened({ workflowType: IDEMPOTENCE_WORKFLOW_TYPE, phase: 'completed' })).toBe(IDEMPOTENCE_HAPPENED);
    expect(idempotenceHappened({ workflowType: IDEMPOTENCE_WORKFLOW_TYPE, phase: 'failed' })).toBeUndefined();
    expect(idempotenceNote(order(step('ChargeCustomer', 'pending'), { terminal: true, phase: 'failed' }))?.stage).toBe('ended');
  });
});
