/** NonRecoverableFailure: InvalidCreditCard is not retried; compensations run newest first; the order fails. */
import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY, getProgressQuery, INVALID_CREDIT_CARD, PROGRESS } from '../../src/temporal/contract.js';
import { getOrderStateQuery } from '../../src/workflows/extras.js';
import { finalAttempt, historyOf, scheduledActivities } from '../support/history.js';
import { startTestWorkers, type TestWorkers } from '../support/workers.js';

let workers: TestWorkers;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'nonrecoverable' });
});
afterAll(() => workers?.stop());

describe('NonRecoverableFailure', () => {
  it('fails with the original InvalidCreditCard error after undoing the charge, then the shipment preparation', async () => {
    const handle = await workers.startOrder('NonRecoverableFailure');
    const err = await handle.result().catch((e: unknown) => e);

    expect(err).toBeInstanceOf(WorkflowFailedError);
    const activityFailure = (err as WorkflowFailedError).cause;
    expect(activityFailure).toBeInstanceOf(ActivityFailure);
    expect((activityFailure as ActivityFailure).activityType).toBe(ACTIVITY.chargeCustomer);
    const cause = (activityFailure as ActivityFailure).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({ type: INVALID_CREDIT_CARD, nonRetryable: true });

    const events = await historyOf(handle);
    expect(finalAttempt(events, ACTIVITY.chargeCustomer)).toBe(1);
    expect(scheduledActivities(events)).toEqual([
      ACTIVITY.checkFraud,
      ACTIVITY.prepareShipment,
      ACTIVITY.chargeCustomer,
      ACTIVITY.undoChargeCustomer,
      ACTIVITY.undoPrepareShipment,
    ]);

    // The console's view of the failed order (queries still answer on a closed workflow).
    expect(await handle.query(getProgressQuery)).toBe(PROGRESS.shipmentPrepared);
    expect(await handle.query(getOrderStateQuery)).toMatchObject({
      step: 'Failed',
      compensations: [ACTIVITY.undoChargeCustomer, ACTIVITY.undoPrepareShipment],
    });
  });
});
