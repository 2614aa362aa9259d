/** APIFailure: ChargeCustomer fails four times with "API unavailable" and the retry policy carries the order. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY, API_FAILURE_MESSAGE } from '../../src/temporal/contract.js';
import { durationMs, finalAttempt, historyOf, ofType } from '../support/history.js';
import { resultOf, startTestWorkers, type TestWorkers } from '../support/workers.js';

let workers: TestWorkers;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'api' });
});
afterAll(() => workers?.stop());

describe.concurrent('APIFailure', () => {
  it('completes after ChargeCustomer succeeds on attempt 5, the last failure being "API unavailable"', async () => {
    const handle = await workers.startOrder('APIFailure');
    expect((await resultOf(handle)).trackingId).toBeTruthy();

    const events = await historyOf(handle);
    expect(finalAttempt(events, ACTIVITY.chargeCustomer)).toBe(5);
    const started = ofType(events, 'ActivityTaskStarted').find((e) => e.attributes.attempt === 5);
    expect(started?.attributes.lastFailure).toMatchObject({
      message: API_FAILURE_MESSAGE,
      applicationFailureInfo: { type: 'APIUnavailable' },
    });
    expect(ofType(events, 'ActivityTaskCompleted').length).toBeGreaterThan(0);
    // Other activities are untouched by the outage.
    expect(finalAttempt(events, ACTIVITY.checkFraud)).toBe(1);
    expect(ofType(events, 'WorkflowExecutionCompleted')).toHaveLength(1);
  });

  it('retries with the contract policy scaled by TimeScale: initial 1 s × 0.05, backoff 2, max 30 s × 0.05', async () => {
    const handle = await workers.startOrder('APIFailure');
    await handle.result();
    const charge = ofType(await historyOf(handle), 'ActivityTaskScheduled').find(
      (e) => e.attributes.activityType.name === ACTIVITY.chargeCustomer,
    );
    expect(durationMs(charge?.attributes.retryPolicy.initialInterval)).toBe(50);
    expect(durationMs(charge?.attributes.retryPolicy.maximumInterval)).toBe(1500);
    expect(charge?.attributes.retryPolicy.backoffCoefficient).toBe(2);
  });
});
