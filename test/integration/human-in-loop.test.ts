/** HumanInLoopSignal / HumanInLoopUpdate: the 75 % address wait, its validator, its deadline and its timeout. */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProgressQuery, PROGRESS, updateAcceptedMessage, updateOrderSignal, updateOrderUpdate } from '../../src/temporal/contract.js';
import { getAddressDeadlineQuery, getOrderStateQuery } from '../../src/workflows/extras.js';
import { durationMs, historyOf, ofType } from '../support/history.js';
import { resultOf, startTestWorkers, waitFor, type TestWorkers } from '../support/workers.js';

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
