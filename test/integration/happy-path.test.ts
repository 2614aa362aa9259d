/**
 * HappyPath: what the audience sees on a normal order, plus the contract's input rules, pace and progress
 * timing (progress before each timer, which RecoverableFailure's watchers rely on); APIKeyRotation is the same flow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY, DEFAULT_ADDRESS, getProgressQuery, PROGRESS, SIMULATED_BUG_MESSAGE } from '../../src/temporal/contract.js';
import { getOrderStateQuery } from '../../src/workflows/extras.js';
import { decodePayload, durationMs, historyOf, ofType, scheduledActivities } from '../support/history.js';
import { newOrderId, resultOf, startTestWorkers, waitFor, type TestWorkers } from '../support/workers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let workers: TestWorkers;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'happy' });
});
afterAll(() => workers?.stop());

describe.concurrent('HappyPath', () => {
  it('returns a uuid tracking id and the address, after progress 0 → 25 → 50 → 75 → 100', async () => {
    // Slow enough that a poller sees every progress value (each lasts a few hundred ms).
    const handle = await workers.startOrder('HappyPath', { Address: '42 Wallaby Way', TimeScale: 0.25 });
    const seen: number[] = [];
    const result = resultOf(handle);
    let finished = false;
    void result.finally(() => (finished = true)).catch(() => undefined);
    while (!finished) {
      const progress = await handle.query(getProgressQuery).catch(() => undefined);
      if (progress !== undefined && seen.at(-1) !== progress) seen.push(progress);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    seen.push(await handle.query(getProgressQuery));

    expect(await result).toEqual({ trackingId: expect.stringMatching(UUID), address: '42 Wallaby Way' });
    expect([...new Set(seen)]).toEqual([0, 25, 50, 75, 100]);
  });

  it('moves progress as soon as each activity completes, before its timer: a query during each timer already sees it', async () => {
    // Demo pace (1 s, 1 s, 3 s timers): each query below lands while its timer is still running.
    const handle = await workers.startOrder('HappyPath', { TimeScale: 1 });
    try {
      const expected = [PROGRESS.fraudChecked, PROGRESS.shipmentPrepared, PROGRESS.charged];
      for (const [index, progress] of expected.entries()) {
        const timer = await waitFor(
          async () => ofType(await historyOf(handle), 'TimerStarted')[index],
          (event) => event !== undefined,
          `timer ${index + 1}`,
        );
        expect(await handle.query(getProgressQuery), `during timer ${index + 1}`).toBe(progress);
        // The answer came while that timer ran: the contract's order, progress first, then the timer.
        const fired = ofType(await historyOf(handle), 'TimerFired').map((e) => e.attributes.startedEventId);
        expect(fired, `timer ${index + 1} still running when queried`).not.toContain(timer?.eventId);
      }
    } finally {
      await handle.terminate('test done');
    }
  });

  it('runs the contract steps in order: GetItems locally, activities, timers, three shipments', async () => {
    const handle = await workers.startOrder('HappyPath');
    await handle.result();
    const events = await historyOf(handle);

    const markers = ofType(events, 'MarkerRecorded').map((e) => e.attributes.markerName);
    // The GetItems local activity, the patch that keeps shipping from being cancelled, and the one that gives
    // ShipOrder its heartbeat timeout.
    expect(markers).toEqual(['core_local_activity', 'core_patch', 'core_patch']);
    expect(scheduledActivities(events)).toEqual(HAPPY_PATH_ACTIVITIES);
    const shipped = ofType(events, 'ActivityTaskScheduled')
      .filter((e) => e.attributes.activityType.name === ACTIVITY.shipOrder)
      .map((e) => JSON.parse(Buffer.from(e.attributes.input.payloads[0].data, 'base64').toString()).Item.id);
    expect(shipped).toEqual([654300, 654321, 654322]);
    // Only ShipOrder is scheduled with a heartbeat timeout: 2 s (a protobuf Duration here).
    const heartbeatTimeouts = ofType(events, 'ActivityTaskScheduled').map((e) => [e.attributes.activityType.name, Number(e.attributes.heartbeatTimeout?.seconds ?? 0)]);
    expect(heartbeatTimeouts.filter(([, seconds]) => seconds !== 0)).toEqual([[ACTIVITY.shipOrder, 2], [ACTIVITY.shipOrder, 2], [ACTIVITY.shipOrder, 2]]);
    expect(ofType(events, 'TimerStarted')).toHaveLength(3);

    const state = await handle.query(getOrderStateQuery);
    expect(state).toMatchObject({ progress: PROGRESS.completed, step: 'Order Completed', compensations: [], awaitingAddress: false });
  });

  it('passes ChargeCustomer the workflow type as its second argument (contract)', async () => {
    const handle = await workers.startOrder('HappyPath');
    await handle.result();
    const charge = ofType(await historyOf(handle), 'ActivityTaskScheduled').find(
      (e) => e.attributes.activityType.name === ACTIVITY.chargeCustomer,
    );
    const args = charge?.attributes.input.payloads.map((p: { data: string }) => JSON.parse(Buffer.from(p.data, 'base64').toString()));
    expect(args?.[1]).toBe('OrderWorkflowHappyPath');
  });

  it('accepts a contract-only input from another UI: demo pace (1 s, 1 s, 3 s timers; 1 s retry) and extra fields ignored', async () => {
    const orderId = newOrderId();
    const handle = await workers.client.workflow.start('OrderWorkflowHappyPath', {
      taskQueue: workers.config.taskQueue,
      workflowId: `order-${orderId}`,
      args: [{ OrderId: orderId, Address: '7 Elm St', Unknown: 'ignored', TimeScale: 'fast' }],
    });
    try {
      const timer = await waitForEvent(handle, 'TimerStarted');
      expect(durationMs(timer.attributes.startToFireTimeout)).toBe(1000);
      const fraud = ofType(await historyOf(handle), 'ActivityTaskScheduled')[0]?.attributes;
      expect(durationMs(fraud?.retryPolicy.initialInterval)).toBe(1000);
      expect(durationMs(fraud?.retryPolicy.maximumInterval)).toBe(30_000);
      expect(fraud?.retryPolicy.backoffCoefficient).toBe(2);
      expect(fraud?.retryPolicy.maximumAttempts ?? 0).toBe(0);
      expect(durationMs(fraud?.startToCloseTimeout)).toBe(5000);
    } finally {
      await handle.terminate('test done');
    }
  });

  it('defaults a missing Address and takes the OrderId from the workflow id when it is missing', async () => {
    const orderId = newOrderId();
    const handle = await workers.client.workflow.start('OrderWorkflowHappyPath', {
      taskQueue: workers.config.taskQueue,
      workflowId: `order-${orderId}`,
      args: [{ TimeScale: 0.05 }],
    });
    expect((await resultOf(handle)).address).toBe(DEFAULT_ADDRESS);
    const ship = ofType(await historyOf(handle), 'ActivityTaskScheduled').at(-1);
    const input = JSON.parse(Buffer.from(ship?.attributes.input.payloads[0].data, 'base64').toString());
    expect(input.Order.OrderId).toBe(orderId);
  });
});

async function waitForEvent(handle: Parameters<typeof historyOf>[0], type: string) {
  for (;;) {
    const found = ofType(await historyOf(handle), type)[0];
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The activities the HappyPath flow schedules, in order (GetItems is local: a marker, not scheduled). */
const HAPPY_PATH_ACTIVITIES = [
  ACTIVITY.checkFraud,
  ACTIVITY.prepareShipment,
  ACTIVITY.chargeCustomer,
  ACTIVITY.shipOrder,
  ACTIVITY.shipOrder,
  ACTIVITY.shipOrder,
];

describe('APIKeyRotation', () => {
  it('runs the HappyPath flow under its own workflow type (the contract\'s tenth)', async () => {
    const handle = await workers.startOrder('APIKeyRotation', { Address: '10 Rotation Row' });
    expect(await resultOf(handle)).toEqual({ trackingId: expect.stringMatching(UUID), address: '10 Rotation Row' });
    const events = await historyOf(handle);
    expect(events[0]?.attributes.workflowType.name).toBe('OrderWorkflowAPIKeyRotation');
    expect(scheduledActivities(events)).toEqual(HAPPY_PATH_ACTIVITIES);
    const charge = ofType(events, 'ActivityTaskScheduled').find((e) => e.attributes.activityType.name === ACTIVITY.chargeCustomer);
    expect(decodePayload(charge?.attributes.input.payloads[1])).toBe('OrderWorkflowAPIKeyRotation');
    expect(await handle.query(getOrderStateQuery)).toMatchObject({ progress: PROGRESS.completed, step: 'Order Completed', compensations: [] });
  });
});

describe('RecoverableFailure, as other UIs watch it', () => {
  it('shows 75 % to getProgress during the charge\'s timer, and the bug fires only after that timer', async () => {
    // The scenario demo's Python UI streams getProgress: it must see 75 % before the workflow task starts failing.
    const handle = await workers.startOrder('RecoverableFailure', { TimeScale: 1 }, { workflowTaskTimeout: '2s' });
    try {
      const chargeTimer = await waitFor(
        async () => ofType(await historyOf(handle), 'TimerStarted')[2],
        (event) => event !== undefined,
        "the charge's timer",
      );
      expect(await handle.query(getProgressQuery)).toBe(PROGRESS.charged);
      const firedWhenQueried = ofType(await historyOf(handle), 'TimerFired').map((e) => e.attributes.startedEventId);
      expect(firedWhenQueried, 'the charge timer still running when queried').not.toContain(chargeTimer?.eventId);
      const events = await waitFor(() => historyOf(handle), (all) => ofType(all, 'WorkflowTaskFailed').length > 0, 'the bug');
      const fired = ofType(events, 'TimerFired').find((e) => e.attributes.startedEventId === chargeTimer?.eventId);
      const failed = ofType(events, 'WorkflowTaskFailed')[0];
      expect(failed?.attributes.failure.message).toBe(SIMULATED_BUG_MESSAGE);
      expect(Number(fired?.eventId)).toBeLessThan(Number(failed?.eventId));
    } finally {
      await handle.terminate('test done');
    }
  });
});
