import { readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../temporal/client.js';
import { pendingAttempts } from '../routes/order-code.js';
import { MAX_ROWS, summarizeHistory, typeName } from './event-history.js';
import type { HistoryRow } from './event-history.js';
import { createHistoryReads } from './history-reads.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'histories');
/** A recorded history, decoded as the console's client returns it (protobuf messages, Longs, enum numbers). */
const recorded = (name: string) => (historyFromJSON(JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8'))).events ?? []) as HistoryEvent[];
const ofType = (rows: HistoryRow[], type: string) => rows.filter((r) => r.type === type);

describe('the event history, summarised', () => {
  it('lists a HappyPath order newest first, naming each activity, timer and local activity', () => {
    const events = recorded('HappyPath');
    const { rows, total, closed } = summarizeHistory(events);
    expect(total).toBe(events.length);
    expect(closed).toBe(true);
    expect(rows[0]).toMatchObject({ type: 'WorkflowExecutionCompleted', tone: 'ok' });
    expect(rows.at(-1)).toMatchObject({ id: 1, type: 'WorkflowExecutionStarted', detail: 'OrderWorkflowHappyPath', offsetMs: 0 });
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((a, b) => b - a));
    expect(ofType(rows, 'ActivityTaskCompleted').map((r) => r.detail)).toEqual(expect.arrayContaining(['CheckFraud', 'PrepareShipment', 'ChargeCustomer', 'ShipOrder']));
    expect(ofType(rows, 'ActivityTaskStarted').find((r) => r.detail === 'CheckFraud')).toMatchObject({ attempt: 1, tone: 'info' });
    expect(ofType(rows, 'MarkerRecorded').map((r) => r.detail)).toContain('local activity GetItems');
    expect(ofType(rows, 'TimerStarted').map((r) => r.detail)).toEqual(expect.arrayContaining([expect.stringMatching(/^timer \d+, \d+(\.\d)? m?s$/)]));
    expect(ofType(rows, 'TimerFired')).toHaveLength(3);
    expect(ofType(rows, 'WorkflowTaskCompleted')[0]?.tone).toBe('task');
    expect(rows.every((r) => r.offsetMs >= 0)).toBe(true);
  });

  it('shows the attempt that finally worked, the workflow task failure, search attributes and compensations', () => {
    const api = summarizeHistory(recorded('APIFailure')).rows;
    expect(ofType(api, 'ActivityTaskStarted').find((r) => r.detail === 'ChargeCustomer')?.attempt).toBe(5);

    const stuck = summarizeHistory(recorded('RecoverableFailure'));
    expect(ofType(stuck.rows, 'WorkflowTaskFailed')[0]).toMatchObject({ detail: 'Simulated bug - fix me!', tone: 'fail' });

    const visibility = summarizeHistory(recorded('AdvancedVisibility')).rows;
    expect(ofType(visibility, 'UpsertWorkflowSearchAttributes').map((r) => r.detail)).toContain('OrderStatus = Check Fraud');

    const failed = summarizeHistory(recorded('NonRecoverableFailure'));
    expect(failed.closed).toBe(true);
    expect(ofType(failed.rows, 'ActivityTaskFailed')[0]?.detail).toMatch(/^ChargeCustomer: /);
    expect(ofType(failed.rows, 'ActivityTaskCompleted').map((r) => r.detail)).toEqual(expect.arrayContaining(['UndoChargeCustomer', 'UndoPrepareShipment']));
    expect(failed.rows[0]).toMatchObject({ type: 'WorkflowExecutionFailed', tone: 'fail' });
  });

  it('names child workflows, Nexus operations, signals and updates', () => {
    const child = summarizeHistory(recorded('ChildWorkflow')).rows;
    expect(ofType(child, 'StartChildWorkflowExecutionInitiated')[0]?.detail).toMatch(/^shipment-\d+-\d+$/);
    const nexus = summarizeHistory(recorded('NexusOperation')).rows;
    expect(ofType(nexus, 'NexusOperationCompleted')[0]?.detail).toMatch(/ › ship-item$/);
    const signal = summarizeHistory(recorded('HumanInLoopSignal')).rows;
    const update = summarizeHistory(recorded('HumanInLoopUpdate')).rows;
    for (const row of [...ofType(signal, 'WorkflowExecutionSignaled'), ...ofType(update, 'WorkflowExecutionUpdateAccepted')]) {
      expect(row).toMatchObject({ detail: 'UpdateOrder', tone: 'message' });
    }
  });

  it('keeps the newest rows of a long history, and reads event types as names or numbers', () => {
    const events = recorded('HappyPath');
    const long = Array.from({ length: 4 }, () => events).flat();
    const summary = summarizeHistory(long);
    expect(summary.rows).toHaveLength(Math.min(MAX_ROWS, long.length));
    expect(summary.total).toBe(long.length);
    expect(typeName('EVENT_TYPE_WORKFLOW_TASK_FAILED')).toBe('WorkflowTaskFailed');
    expect(typeName(10)).toBe('ActivityTaskScheduled');
    expect(summarizeHistory([])).toEqual({ rows: [], total: 0, closed: false });
  });

  it('labels each workflow task with the Worker Deployment version that ran it (v1/v2, the full build id kept)', () => {
    const at = (s: number) => ({ seconds: s, nanos: 0 });
    const events = [
      { eventId: 1, eventTime: at(100), eventType: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED', workflowExecutionStartedEventAttributes: { workflowType: { name: 'OrderWorkflowRecoverableFailure' } } },
      { eventId: 2, eventTime: at(100), eventType: 'EVENT_TYPE_WORKFLOW_TASK_FAILED', workflowTaskFailedEventAttributes: { failure: { message: 'bug' }, workerVersion: { buildId: 'v1-abc123' } } },
      { eventId: 3, eventTime: at(101), eventType: 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED', workflowTaskCompletedEventAttributes: { deploymentVersion: { deploymentName: 'order-demo', buildId: 'v2-abc123' }, workerDeploymentVersion: 'order-demo.v2-abc123' } },
      { eventId: 4, eventTime: at(102), eventType: 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED', workflowTaskCompletedEventAttributes: { workerDeploymentVersion: 'order-demo.0123456789abcdef' } },
      { eventId: 5, eventTime: at(103), eventType: 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED', workflowTaskCompletedEventAttributes: {} },
    ] as unknown as HistoryEvent[];
    const byId = new Map(summarizeHistory(events).rows.map((r) => [r.id, r]));
    expect(byId.get(1)?.version).toBeUndefined();
    expect(byId.get(2)).toMatchObject({ detail: 'bug', version: { label: 'v1', buildId: 'v1-abc123' } });
    expect(byId.get(3)?.version).toEqual({ label: 'v2', buildId: 'v2-abc123' });
    expect(byId.get(4)?.version).toEqual({ label: '01234567', buildId: '0123456789abcdef' });
    expect(byId.get(5)?.version).toBeUndefined();
  });
});

describe('history reads', () => {
  it('shares one read among concurrent viewers, and never reads a closed history again', async () => {
    let now = 0;
    let calls = 0;
    let events: HistoryEvent[] = recorded('HappyPath').slice(0, 5);
    const reads = createHistoryReads({ fetchHistory: async () => (calls++, events) }, () => undefined, () => now);
    await Promise.all([reads.get('1'), reads.get('1'), reads.get('1')]);
    expect(calls).toBe(1);
    now += 500;
    await reads.get('1');
    expect(calls).toBe(1);
    now += 1000;
    expect((await reads.get('1')).total).toBe(5);
    expect(calls).toBe(2);
    events = recorded('HappyPath');
    now += 1000;
    expect((await reads.get('1')).closed).toBe(true);
    now += 10_000;
    await reads.get('1');
    expect(calls).toBe(3);
    await reads.get('2');
    expect(calls).toBe(4);
  });

  it('reads nothing for an order the progress hub follows: its follower holds the history', async () => {
    const followed: HistoryEvent[] = recorded('HappyPath').slice(0, 5);
    const reads = createHistoryReads({ fetchHistory: () => Promise.reject(new Error('not expected')) }, (id) => (id === '1' ? followed : undefined));
    expect((await reads.get('1')).total).toBe(5);
    followed.push(...recorded('HappyPath').slice(5));
    expect((await reads.get('1')).closed).toBe(true);
  });
});

describe('attempts the history does not show yet', () => {
  it('lists retrying activities and a stuck workflow task\'s attempt', () => {
    const step = { label: '', nextAttemptAt: undefined, via: undefined };
    expect(pendingAttempts({
      steps: [{ ...step, key: 'CheckFraud', state: 'completed', attempt: 1, failure: undefined }, { ...step, key: 'ChargeCustomer', state: 'retrying', attempt: 3, failure: 'API unavailable' }],
      compensations: [],
      stuck: undefined,
    })).toEqual([{ what: 'ChargeCustomer', attempt: 3, failure: 'API unavailable' }]);
    expect(pendingAttempts({
      steps: [], compensations: [],
      stuck: { message: 'boom', attempts: 7, simulatedBug: true, where: undefined, retryEveryMs: 2000, slowingDown: false, nextRetryAt: undefined },
    })).toEqual([{ what: 'Workflow task', attempt: 7, failure: 'boom' }]);
  });
});
