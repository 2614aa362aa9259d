/**
 * Cancelling an order with Temporal's own workflow cancellation, against the real dev server and worker:
 * before shipping, the saga undoes exactly what was done (read from the history) and the workflow ends
 * Canceled; once the items ship, a cancel request is recorded and ignored, and the order completes.
 */
import { WorkflowFailedError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY, getProgressQuery, PROGRESS } from '../../src/temporal/contract.js';
import type { Scenario } from '../../src/temporal/contract.js';
import { readHistory } from '../../src/web/orders/history.js';
import { startTestWorkers, waitFor } from '../support/workers.js';
import type { TestWorkers } from '../support/workers.js';

/** Slow enough that each step's timer (1 s, 1 s, 3 s at demo pace) leaves seconds to cancel in. */
const SLOW = 3;

let workers: TestWorkers;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'cancel' });
});
afterAll(async () => {
  await workers?.stop();
});

async function activitiesRun(handle: WorkflowHandle): Promise<string[]> {
  const facts = readHistory((await handle.fetchHistory()).events ?? []);
  return facts.activities.filter((a) => a.state === 'completed').map((a) => a.activityType);
}

async function cancelAt(scenario: Scenario, progress: number, input = {}): Promise<WorkflowHandle> {
  const handle = await workers.startOrder(scenario, { TimeScale: SLOW, ...input });
  await waitFor(() => handle.query(getProgressQuery), (p) => p >= progress, `progress ${progress}`);
  await handle.cancel();
  const error = await handle.result().then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(WorkflowFailedError);
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  return handle;
}

const undos = (run: string[]) => run.filter((a) => a.startsWith('Undo'));

describe('cancelling an order', () => {
  it('after the fraud check: nothing to undo', async () => {
    const run = await activitiesRun(await cancelAt('HappyPath', PROGRESS.fraudChecked));
    expect(run).toContain(ACTIVITY.checkFraud);
    expect(run).not.toContain(ACTIVITY.prepareShipment);
    expect(undos(run)).toEqual([]);
  });

  it('after the shipment was prepared: the preparation is undone', async () => {
    const run = await activitiesRun(await cancelAt('HappyPath', PROGRESS.shipmentPrepared));
    expect(run).not.toContain(ACTIVITY.chargeCustomer);
    expect(undos(run)).toEqual([ACTIVITY.undoPrepareShipment]);
  });

  it('after the charge: the charge is refunded, then the preparation undone, newest first', async () => {
    const run = await activitiesRun(await cancelAt('HappyPath', PROGRESS.charged));
    expect(undos(run)).toEqual([ACTIVITY.undoChargeCustomer, ACTIVITY.undoPrepareShipment]);
  });

  it('while it waits for a new address (a person in the loop): both undone', async () => {
    const run = await activitiesRun(await cancelAt('HumanInLoopUpdate', PROGRESS.charged, { TimeScale: 0.05, HumanWaitSeconds: 600 }));
    expect(undos(run)).toEqual([ACTIVITY.undoChargeCustomer, ACTIVITY.undoPrepareShipment]);
  });

  it('once the items ship: the request is recorded and ignored, the order completes', async () => {
    // Demo pace: each item ships in 1–4 s, well inside ShipOrder's timeout (which the pace does not stretch).
    const handle = await workers.startOrder('HappyPath', { TimeScale: 1 });
    await waitFor(async () => (await handle.describe()).raw.pendingActivities ?? [], (p) => p.some((a) => a.activityType?.name === ACTIVITY.shipOrder), 'shipping', 60_000);
    await handle.cancel();
    const result = (await handle.result()) as { trackingId: string };
    expect(result.trackingId).toBeTruthy();
    const history = (await handle.fetchHistory()).events ?? [];
    expect(history.some((e) => e.workflowExecutionCancelRequestedEventAttributes)).toBe(true);
    expect(undos(await activitiesRun(handle))).toEqual([]);
  });
});
