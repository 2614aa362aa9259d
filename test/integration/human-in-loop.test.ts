/**
 * HumanInLoopSignal / HumanInLoopUpdate: the 75 % address wait, its validator, its deadline and its timeout;
 * and the console driving a peer worker shaped like Go's reference (its update answers and timing).
 */
import path from 'node:path';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  getProgressQuery,
  orderWorkflowId,
  PROGRESS,
  updateAcceptedMessage,
  updateOrderSignal,
  updateOrderUpdate,
} from '../../src/temporal/contract.js';
import { UPDATE_NOT_OPEN_YET } from '../../src/web/update-answers.js';
import { getAddressDeadlineQuery, getOrderStateQuery } from '../../src/workflows/extras.js';
import { testConfig, uniqueTaskQueue } from '../support/env.js';
import { openAddressChanges, type GoPeerActivities } from '../support/fixtures-workflows/go-peer.js';
import { decodePayload, durationMs, historyOf, ofType } from '../support/history.js';
import { newOrderId, resultOf, startTestWorkers, waitFor, type TestWorkers } from '../support/workers.js';
import { startTestConsole, testid, testidAttr } from './web-support.js';

const ORIGINAL = '123 Main St. Redwood, CA';

let workers: TestWorkers;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'human' });
});
afterAll(() => workers?.stop());

async function atAddressWait(handle: WorkflowHandle): Promise<void> {
  await waitFor(() => handle.query(getOrderStateQuery), (s) => s.awaitingAddress, 'the address wait');
}

async function rejection(handle: WorkflowHandle, Address: string): Promise<string> {
  const err = await handle.executeUpdate(updateOrderUpdate, { args: [{ Address }] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  return String((err as WorkflowUpdateFailedError).cause?.message);
}

describe.concurrent('HumanInLoopUpdate', () => {
  it('waits at 75 % with a deadline, rejects blank and letter-first addresses, accepts "0 Main"', async () => {
    const handle = await workers.startOrder('HumanInLoopUpdate', { HumanWaitSeconds: 60 });
    await atAddressWait(handle);
    expect(await handle.query(getProgressQuery)).toBe(PROGRESS.charged);
    const deadline = await handle.query(getAddressDeadlineQuery);
    const state = await handle.query(getOrderStateQuery);
    expect(state).toMatchObject({ step: 'Awaiting Address', address: ORIGINAL, addressDeadline: deadline });
    // The deadline is workflow time + the wait: compare it with the timer the workflow recorded.
    const waitTimer = ofType(await historyOf(handle), 'TimerStarted').at(-1);
    expect(durationMs(waitTimer?.attributes.startToFireTimeout)).toBe(60_000);
    expect(typeof deadline).toBe('number');

    expect(await rejection(handle, '')).toBe('Address must not be blank');
    expect(await rejection(handle, '   ')).toBe('Address must not be blank');
    expect(await rejection(handle, 'Main St 5')).toBe('Address must start with a digit');
    expect(await handle.query(getOrderStateQuery)).toMatchObject({ awaitingAddress: true, address: ORIGINAL });

    expect(await handle.executeUpdate(updateOrderUpdate, { args: [{ Address: '0 Main' }] })).toBe(updateAcceptedMessage('0 Main'));
    expect(await resultOf(handle)).toMatchObject({ address: '0 Main' });
    expect(await handle.query(getAddressDeadlineQuery)).toBeNull();

    // Rejected updates leave no trace in history; the accepted one does.
    const events = await historyOf(handle);
    expect(ofType(events, 'WorkflowExecutionUpdateAccepted')).toHaveLength(1);
    expect(ofType(events, 'WorkflowExecutionUpdateCompleted')).toHaveLength(1);
  });

  it('accepts the lower-case `address` field some senders use', async () => {
    const handle = await workers.startOrder('HumanInLoopUpdate', { HumanWaitSeconds: 60 });
    await atAddressWait(handle);
    expect(await handle.executeUpdate(updateOrderUpdate, { args: [{ address: '9 Elm St' }] })).toBe(updateAcceptedMessage('9 Elm St'));
    expect((await resultOf(handle)).address).toBe('9 Elm St');
  });

  it('keeps the original address when nobody answers before the deadline', async () => {
    const handle = await workers.startOrder('HumanInLoopUpdate', { HumanWaitSeconds: 1 });
    expect(await resultOf(handle)).toMatchObject({ address: ORIGINAL });
    const events = await historyOf(handle);
    const waitTimer = ofType(events, 'TimerStarted').at(-1);
    expect(durationMs(waitTimer?.attributes.startToFireTimeout)).toBe(1000);
    expect(ofType(events, 'TimerFired').map((e) => e.attributes.startedEventId)).toContain(waitTimer?.eventId);
  });

  it('rejects an address change once the order ships', async () => {
    // Shipping lasts 0.5–2 s at this pace: long enough to try a change while it runs.
    const handle = await workers.startOrder('HumanInLoopUpdate', { HumanWaitSeconds: 1, TimeScale: 0.5 });
    await waitFor(() => handle.query(getOrderStateQuery), (s) => s.step === 'Ship Order', 'shipping');
    expect(await rejection(handle, '5 Late Lane')).toBe('The order is already shipping');
    expect((await resultOf(handle)).address).toBe(ORIGINAL);
  });
});

describe.concurrent('HumanInLoopSignal', () => {
  it('ships to the address sent with the UpdateOrder signal', async () => {
    const handle = await workers.startOrder('HumanInLoopSignal', { HumanWaitSeconds: 60 });
    await atAddressWait(handle);
    await handle.signal(updateOrderSignal, { Address: '77 Signal Rd' });
    expect(await resultOf(handle)).toMatchObject({ address: '77 Signal Rd' });
    expect(ofType(await historyOf(handle), 'WorkflowExecutionSignaled')).toHaveLength(1);
  });

  it('accepts the lower-case `address` field and keeps the original on timeout', async () => {
    const changed = await workers.startOrder('HumanInLoopSignal', { HumanWaitSeconds: 60 });
    const unchanged = await workers.startOrder('HumanInLoopSignal', { HumanWaitSeconds: 1 });
    await atAddressWait(changed);
    await changed.signal(updateOrderSignal, { address: '8 Lower Case Ave' });
    expect((await resultOf(changed)).address).toBe('8 Lower Case Ave');
    expect((await resultOf(unchanged)).address).toBe(ORIGINAL);
  });

  it('does not take the update: each scenario demonstrates its own channel', async () => {
    const handle = await workers.startOrder('HumanInLoopSignal', { HumanWaitSeconds: 60 });
    await atAddressWait(handle);
    await expect(handle.executeUpdate(updateOrderUpdate, { args: [{ Address: '1 Wrong Way' }] })).rejects.toThrow();
    await handle.signal(updateOrderSignal, { Address: '2 Right Way' });
    expect((await resultOf(handle)).address).toBe('2 Right Way');
  });
});

describe('the console and a worker shaped like the Go reference', () => {
  const htmx = { 'HX-Request': 'true' };
  const stubs: GoPeerActivities = {
    CheckFraud: async () => undefined,
    PrepareShipment: async () => undefined,
    ChargeCustomer: async () => undefined,
    ShipOrder: async () => undefined,
  };

  it('explains an update sent before the worker opens address changes, reads its bare answer and its two-argument ShipOrder', async () => {
    const taskQueue = uniqueTaskQueue('go-peer');
    const workflowsPath = path.resolve(import.meta.dirname, '../support/fixtures-workflows/go-peer.ts');
    const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    const web = startTestConsole({ config: testConfig({ TEMPORAL_TASK_QUEUE: taskQueue }) });
    try {
      const worker = await Worker.create({
        connection, taskQueue, activities: stubs,
        workflowBundle: await bundleWorkflowCode({ workflowsPath, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: console.error } }),
      });
      await worker.runUntil(async () => {
        const orderId = newOrderId();
        const handle = await workers.client.workflow.start('OrderWorkflowHumanInLoopUpdate', {
          taskQueue, workflowId: orderWorkflowId(orderId), args: [{ OrderId: orderId, Address: ORIGINAL }],
        });
        const page = () => web.get(`/orders/${orderId}`).then((res) => res.text());
        // 75 % and the wait's timer running (after the three step timers): the console offers the form, from the
        // history alone (no getOrderState), with the wait's own deadline.
        const form = await waitFor(page, (html) => html.includes('data-testid="address-form"'), 'the address form');
        expect(testidAttr(form, 'progress', 'value')).toBe('75');
        expect(testidAttr(form, 'order-phase', 'data-status')).toBe('waiting-for-you');
        const started = (await handle.describe()).startTime.getTime();
        expect(Number(testidAttr(form, 'countdown', 'data-deadline')) - started).toBeGreaterThan(9 * 60_000);

        const early = await (await web.post(`/orders/${orderId}/address`, { address: '9 Elm St' }, htmx)).text();
        expect(testid(early, 'address-retry')).toBe(UPDATE_NOT_OPEN_YET);
        expect(early).not.toContain('data-testid="address-error"');
        expect(testidAttr(early, 'new-address-input', 'value')).toBe('9 Elm St');

        // The worker takes address changes now; the presenter tries again and gets the worker's answer, read as ours would be.
        await handle.signal(openAddressChanges);
        // Its validator's own words, said to be the workflow's validator (not this form's check).
        const rejected = await waitFor(
          async () => (await web.post(`/orders/${orderId}/address`, { address: 'Elm St' }, htmx)).text(),
          (html) => html.includes('data-testid="address-error"'),
          "the peer's validator rejecting a letter-first address",
        );
        expect(testid(rejected, 'address-rejected-by')).toBe("The workflow's update validator rejected this address:");
        expect(testid(rejected, 'address-error')).toBe('Rejecting order update, invalid address Elm St');
        const answered = await waitFor(
          async () => (await web.post(`/orders/${orderId}/address`, { address: '9 Elm St' }, htmx)).text(),
          (html) => html.includes('data-testid="address-result"'),
          'the update accepted',
        );
        expect(testid(answered, 'address-result')).toBe('Updated address: 9 Elm St');
        expect(await resultOf(handle)).toMatchObject({ address: '9 Elm St' });

        const events = await historyOf(handle);
        const [update] = ofType(events, 'WorkflowExecutionUpdateCompleted');
        expect(decodePayload(update?.attributes.outcome.success.payloads[0])).toBe('9 Elm St'); // the peer's bare answer
        const ships = ofType(events, 'ActivityTaskScheduled').filter((e) => e.attributes.activityType.name === 'ShipOrder');
        expect(ships.map((e) => e.attributes.input.payloads.length)).toEqual([2, 2, 2]);
        expect(ships.map((e) => (decodePayload(e.attributes.input.payloads[1]) as { id: number }).id)).toEqual([654300, 654321, 654322]);
        const done = await waitFor(page, (html) => html.includes('data-outcome="completed"'), 'the completed order');
        for (const id of [654300, 654321, 654322]) expect(testidAttr(done, `step-ShipOrder-${id}`, 'data-state'), String(id)).toBe('completed');
      });
    } finally {
      await web.close();
      await connection.close();
    }
  });
});
