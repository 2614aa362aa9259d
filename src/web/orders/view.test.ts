import { describe, expect, it } from 'vitest';
import type { OrderDescription } from '../../temporal/client.js';
import type { Scenario } from '../../temporal/contract.js';
import { readHistory } from './history.js';
import type { ActivityRecord, HistoryFacts, TimerRecord } from './history.js';
import { buildOrderView } from './view.js';

const ctx = { namespace: 'default', nexusNamespace: 'nexus-demo' };
const describeOf = (scenario: Scenario): OrderDescription => ({
  orderId: '123456', workflowId: 'order-123456', runId: 'run', workflowType: `OrderWorkflow${scenario}`, scenario, status: 'RUNNING',
  historyLength: 40, startTime: new Date(0), closeTime: undefined, orderStatus: undefined, pendingActivities: [],
  pendingNexusOperations: [], pendingWorkflowTask: undefined,
});
const timer = (n: number, fireAfterMs: number, state: TimerRecord['state']): TimerRecord => ({ timerId: String(n), startedAt: n * 1000, fireAfterMs, state });
/** The contract flow's three step timers, then the human wait's. */
const facts = (wait: TimerRecord['state'], extra: Partial<HistoryFacts> = {}): HistoryFacts => ({
  ...readHistory([]),
  input: { OrderId: '123456', Address: '1 Original Rd' },
  timers: [timer(1, 1000, 'fired'), timer(2, 1000, 'fired'), timer(3, 3000, 'fired'), timer(4, 60_000, wait)],
  ...extra,
});

describe('the human wait, from the history (any worker)', () => {
  it('says the timer fired when no address came, and the order ships to the original one', () => {
    const view = buildOrderView(describeOf('HumanInLoopSignal'), facts('fired'), { progress: 75 }, ctx);
    expect(view.addressTimedOut).toEqual({ waitedSeconds: 60 });
    expect(view.awaitingAddress).toBeUndefined();
    expect(view.address).toBe('1 Original Rd');
  });

  it('waits for you while the timer runs, and no timeout once an address came', () => {
    const waiting = buildOrderView(describeOf('HumanInLoopUpdate'), facts('started'), { progress: 75 }, ctx);
    expect(waiting.addressTimedOut).toBeUndefined();
    expect(waiting.awaitingAddress).toEqual({ via: 'update', deadline: 4000 + 60_000 });
    expect(waiting.status.kind).toBe('waiting-for-you');
    const signalled = facts('cancelled', { signals: [{ name: 'UpdateOrder', args: [{ Address: '2 New St' }] }] });
    expect(buildOrderView(describeOf('HumanInLoopSignal'), signalled, { progress: 75 }, ctx).addressTimedOut).toBeUndefined();
  });

  it('is no wait in a scenario without a person', () => {
    expect(buildOrderView(describeOf('HappyPath'), facts('fired'), { progress: 75 }, ctx).addressTimedOut).toBeUndefined();
  });
});

describe('progress, from the history', () => {
  const activity = (activityType: string, state: 'completed' | 'started'): ActivityRecord =>
    ({ scheduledId: 1, activityId: '1', activityType, args: [], state, attempt: 1, failure: undefined });

  it('moves as each step\'s activity completes, before the worker is asked (the contract sets it then)', () => {
    const base = { ...readHistory([]), input: { OrderId: '123456', Address: '1 Original Rd' } };
    const at = (activities: ActivityRecord[]) => buildOrderView(describeOf('HappyPath'), { ...base, activities: [...activities] }, {}, ctx).progress;
    expect(at([activity('CheckFraud', 'started')])).toBe(0);
    expect(at([activity('CheckFraud', 'completed')])).toBe(25);
    expect(at([activity('CheckFraud', 'completed'), activity('PrepareShipment', 'completed'), activity('ChargeCustomer', 'completed')])).toBe(75);
    // Round 1's code moved progress after each step's timer instead: fired timers still count.
    expect(buildOrderView(describeOf('HappyPath'), { ...base, timers: [timer(1, 1000, 'fired'), timer(2, 1000, 'fired')] }, {}, ctx).progress).toBe(50);
  });
});
