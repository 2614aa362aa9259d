import { describe, expect, it } from 'vitest';
import { failureOf } from './failures.js';

type Failure = Parameters<typeof failureOf>[0];

describe('failureOf (what failed, and why)', () => {
  it('reads our worker\'s chain: the SDK\'s ActivityFailure around the card\'s non-retryable error', () => {
    const failure: Failure = {
      message: 'Activity task failed',
      activityFailureInfo: { activityType: { name: 'ChargeCustomer' } },
      cause: { message: 'Invalid credit card number: the payment was declined', applicationFailureInfo: { type: 'InvalidCreditCard', nonRetryable: true } },
    };
    expect(failureOf(failure)).toEqual({
      message: 'Activity task failed',
      rootMessage: 'Invalid credit card number: the payment was declined',
      rootType: 'InvalidCreditCard',
      source: { kind: 'activity', name: 'ChargeCustomer' },
      nonRetryable: true,
      timeoutType: undefined,
    });
  });

  it("reads Go's chain: its own application error around the activity's", () => {
    const failure: Failure = {
      message: 'charge customer activity failed',
      applicationFailureInfo: { type: 'activityFailure' },
      cause: {
        message: 'activity error',
        activityFailureInfo: { activityType: { name: 'ChargeCustomer' } },
        cause: { message: 'credit card invalid', applicationFailureInfo: { type: 'CreditCardError', nonRetryable: true } },
      },
    };
    expect(failureOf(failure)).toMatchObject({ rootMessage: 'credit card invalid', source: { kind: 'activity', name: 'ChargeCustomer' }, nonRetryable: true });
  });

  it('reads a timeout, a child workflow and a failure of the workflow itself', () => {
    expect(failureOf({ message: 'Activity task timed out', activityFailureInfo: { activityType: { name: 'ShipOrder' } }, cause: { message: 'activity StartToClose timeout', timeoutFailureInfo: { timeoutType: 1 } } }))
      .toMatchObject({ source: { kind: 'activity', name: 'ShipOrder' }, timeoutType: 'START_TO_CLOSE', nonRetryable: false });
    expect(failureOf({ message: 'Child Workflow execution failed', childWorkflowExecutionFailureInfo: { workflowType: { name: 'ShippingWorkflow' } }, cause: { message: 'no truck' } }))
      .toMatchObject({ source: { kind: 'child', name: 'ShippingWorkflow' }, rootMessage: 'no truck' });
    expect(failureOf({ message: 'boom' })).toEqual({ message: 'boom', rootMessage: 'boom', rootType: undefined, source: undefined, nonRetryable: false, timeoutType: undefined });
  });
});
