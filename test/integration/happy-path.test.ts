/** HappyPath: what the audience sees on a normal order, plus the contract's input rules and pace. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY, DEFAULT_ADDRESS, getProgressQuery, PROGRESS } from '../../src/temporal/contract.js';
import { getOrderStateQuery } from '../../src/workflows/extras.js';
import { durationMs, historyOf, ofType, scheduledActivities } from '../support/history.js';
import { newOrderId, resultOf, startTestWorkers, type TestWorkers } from '../support/workers.js';

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

  it('runs the contract steps in order: GetItems locally, activities, timers, three shipments', async () => {
    const handle = await workers.startOrder('HappyPath');
    await handle.result();
    const events = await historyOf(handle);

    const markers = ofType(events, 'MarkerRecorded');
    expect(markers).toHaveLength(1); // the GetItems local activity
    expect(scheduledActivities(events)).toEqual([
      ACTIVITY.checkFraud,
      ACTIVITY.prepareShipment,
      ACTIVITY.chargeCustomer,
      ACTIVITY.shipOrder,
      ACTIVITY.shipOrder,
      ACTIVITY.shipOrder,
    ]);
    const shipped = ofType(events, 'ActivityTaskScheduled')
      .filter((e) => e.attributes.activityType.name === ACTIVITY.shipOrder)
      .map((e) => JSON.parse(Buffer.from(e.attributes.input.payloads[0].data, 'base64').toString()).Item.id);
    expect(shipped).toEqual([654300, 654321, 654322]);
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
