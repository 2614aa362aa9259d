/**
 * Reads an order workflow's event history once, front to back, into plain facts: what each activity,
 * child workflow and Nexus operation did, timers, signals, updates, workflow task failures and how the
 * workflow closed. The history is the source of truth for what already happened; describe() adds what
 * is happening right now (attempts, retries) on top, in view.ts.
 */
import { defaultPayloadConverter } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import type { HistoryEvent } from '../../temporal/client.js';
import { failureOf, throwSite } from './failures.js';
import type { CodeLocation, Failure, FailureInfo } from './failures.js';

// What reads a failure has a file of its own; callers of the history reader find it here too.
export { failureOf, throwSite };
export type { CodeLocation, FailureInfo, FailureSource } from './failures.js';

type Payload = Parameters<typeof defaultPayloadConverter.fromPayload>[0];

export type RecordState = 'scheduled' | 'started' | 'completed' | 'failed' | 'timed-out' | 'cancelled' | 'terminated';

export interface ActivityRecord {
  scheduledId: number;
  activityId: string;
  activityType: string;
  args: unknown[];
  state: RecordState;
  /** Attempt that started last (only known once the activity closed: retries are not in history). */
  attempt: number | undefined;
  failure: string | undefined;
}

export interface ChildRecord {
  initiatedId: number;
  workflowId: string;
  workflowType: string;
  args: unknown[];
  state: RecordState;
  failure: string | undefined;
}

export interface NexusRecord {
  scheduledId: number;
  endpoint: string;
  service: string;
  operation: string;
  input: unknown;
  state: RecordState;
  failure: string | undefined;
}

export interface TimerRecord {
  timerId: string;
  startedAt: number;
  fireAfterMs: number;
  state: 'started' | 'fired' | 'cancelled';
}

export type CloseFact =
  | { kind: 'completed'; result: unknown }
  | { kind: 'failed'; failure: FailureInfo }
  | { kind: 'terminated'; reason: string }
  | { kind: 'timed_out' }
  | { kind: 'cancelled' }
  | { kind: 'continued_as_new' };

export interface HistoryFacts {
  input: Record<string, unknown> | undefined;
  activities: ActivityRecord[];
  children: ChildRecord[];
  nexus: NexusRecord[];
  timers: TimerRecord[];
  signals: { name: string; args: unknown[] }[];
  updates: { name: string; args: unknown[]; result?: unknown; failure?: string }[];
  /** The latest workflow task failure not followed by a successful workflow task: the workflow is stuck. */
  taskFailure: TaskFailure | undefined;
  /** The workflow task timeout the workflow was started with (ms). */
  taskTimeoutMs: number | undefined;
  close: CloseFact | undefined;
  /** Someone asked Temporal to cancel the workflow (it may not have acted on it yet, or may ignore it). */
  cancelRequested: boolean;
}

export interface TaskFailure {
  message: string;
  at: number | undefined;
  /** Where the workflow code threw, read from the failure's stack trace (any SDK's format). */
  where: CodeLocation | undefined;
}

export function readHistory(events: readonly HistoryEvent[]): HistoryFacts {
  const facts: HistoryFacts = {
    input: undefined, activities: [], children: [], nexus: [], timers: [], signals: [], updates: [],
    taskFailure: undefined, taskTimeoutMs: undefined, close: undefined, cancelRequested: false,
  };
  const activities = new Map<number, ActivityRecord>();
  const children = new Map<number, ChildRecord>();
  const nexus = new Map<number, NexusRecord>();
  const timers = new Map<string, TimerRecord>();
  const updates = new Map<string, HistoryFacts['updates'][number]>();
  const setState = <T extends { state: RecordState; failure?: string }>(
    map: Map<number, T>, id: unknown, state: RecordState, failure?: Failure | null,
  ) => {
    const rec = map.get(num(id));
    if (rec) Object.assign(rec, { state }, failure ? { failure: failureOf(failure).rootMessage } : {});
    return rec;
  };

  for (const e of events) {
    const at = optionalTsToMs(e.eventTime);
    if (e.workflowExecutionStartedEventAttributes) {
      const a = e.workflowExecutionStartedEventAttributes;
      const [first] = decodeAll(a.input?.payloads);
      facts.input = isRecord(first) ? first : undefined;
      facts.taskTimeoutMs = optionalTsToMs(a.workflowTaskTimeout);
    } else if (e.activityTaskScheduledEventAttributes) {
      const a = e.activityTaskScheduledEventAttributes;
      const rec: ActivityRecord = {
        scheduledId: num(e.eventId), activityId: a.activityId ?? '', activityType: a.activityType?.name ?? '',
        args: decodeAll(a.input?.payloads), state: 'scheduled', attempt: undefined, failure: undefined,
      };
      activities.set(rec.scheduledId, rec);
      facts.activities.push(rec);
    } else if (e.activityTaskStartedEventAttributes) {
      const a = e.activityTaskStartedEventAttributes;
      const rec = setState(activities, a.scheduledEventId, 'started');
      if (rec) rec.attempt = a.attempt ?? undefined;
    } else if (e.activityTaskCompletedEventAttributes) {
      setState(activities, e.activityTaskCompletedEventAttributes.scheduledEventId, 'completed');
    } else if (e.activityTaskFailedEventAttributes) {
      const a = e.activityTaskFailedEventAttributes;
      setState(activities, a.scheduledEventId, 'failed', a.failure);
    } else if (e.activityTaskTimedOutEventAttributes) {
      const a = e.activityTaskTimedOutEventAttributes;
      setState(activities, a.scheduledEventId, 'timed-out', a.failure);
    } else if (e.activityTaskCanceledEventAttributes) {
      setState(activities, e.activityTaskCanceledEventAttributes.scheduledEventId, 'cancelled');
    } else if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
      const a = e.startChildWorkflowExecutionInitiatedEventAttributes;
      const rec: ChildRecord = {
        initiatedId: num(e.eventId), workflowId: a.workflowId ?? '', workflowType: a.workflowType?.name ?? '',
        args: decodeAll(a.input?.payloads), state: 'scheduled', failure: undefined,
      };
      children.set(rec.initiatedId, rec);
      facts.children.push(rec);
    } else if (e.startChildWorkflowExecutionFailedEventAttributes) {
      const rec = setState(children, e.startChildWorkflowExecutionFailedEventAttributes.initiatedEventId, 'failed');
      if (rec) rec.failure = 'The child workflow could not start (its id is already in use).';
    } else if (e.childWorkflowExecutionStartedEventAttributes) {
      setState(children, e.childWorkflowExecutionStartedEventAttributes.initiatedEventId, 'started');
    } else if (e.childWorkflowExecutionCompletedEventAttributes) {
      setState(children, e.childWorkflowExecutionCompletedEventAttributes.initiatedEventId, 'completed');
    } else if (e.childWorkflowExecutionFailedEventAttributes) {
      const a = e.childWorkflowExecutionFailedEventAttributes;
      setState(children, a.initiatedEventId, 'failed', a.failure);
    } else if (e.childWorkflowExecutionTimedOutEventAttributes) {
      setState(children, e.childWorkflowExecutionTimedOutEventAttributes.initiatedEventId, 'timed-out');
    } else if (e.childWorkflowExecutionCanceledEventAttributes) {
      setState(children, e.childWorkflowExecutionCanceledEventAttributes.initiatedEventId, 'cancelled');
    } else if (e.childWorkflowExecutionTerminatedEventAttributes) {
      setState(children, e.childWorkflowExecutionTerminatedEventAttributes.initiatedEventId, 'terminated');
    } else if (e.nexusOperationScheduledEventAttributes) {
      const a = e.nexusOperationScheduledEventAttributes;
      const rec: NexusRecord = {
        scheduledId: num(e.eventId), endpoint: a.endpoint ?? '', service: a.service ?? '', operation: a.operation ?? '',
        input: a.input ? decode(a.input) : undefined, state: 'scheduled', failure: undefined,
      };
      nexus.set(rec.scheduledId, rec);
      facts.nexus.push(rec);
    } else if (e.nexusOperationStartedEventAttributes) {
      setState(nexus, e.nexusOperationStartedEventAttributes.scheduledEventId, 'started');
    } else if (e.nexusOperationCompletedEventAttributes) {
      setState(nexus, e.nexusOperationCompletedEventAttributes.scheduledEventId, 'completed');
    } else if (e.nexusOperationFailedEventAttributes) {
      const a = e.nexusOperationFailedEventAttributes;
      setState(nexus, a.scheduledEventId, 'failed', a.failure);
    } else if (e.nexusOperationTimedOutEventAttributes) {
      setState(nexus, e.nexusOperationTimedOutEventAttributes.scheduledEventId, 'timed-out');
    } else if (e.nexusOperationCanceledEventAttributes) {
      setState(nexus, e.nexusOperationCanceledEventAttributes.scheduledEventId, 'cancelled');
    } else if (e.timerStartedEventAttributes) {
      const a = e.timerStartedEventAttributes;
      const rec: TimerRecord = {
        timerId: a.timerId ?? '', startedAt: at ?? 0, fireAfterMs: optionalTsToMs(a.startToFireTimeout) ?? 0, state: 'started',
      };
      timers.set(rec.timerId, rec);
      facts.timers.push(rec);
    } else if (e.timerFiredEventAttributes) {
      const rec = timers.get(e.timerFiredEventAttributes.timerId ?? '');
      if (rec) rec.state = 'fired';
    } else if (e.timerCanceledEventAttributes) {
      const rec = timers.get(e.timerCanceledEventAttributes.timerId ?? '');
      if (rec) rec.state = 'cancelled';
    } else if (e.workflowExecutionSignaledEventAttributes) {
      const a = e.workflowExecutionSignaledEventAttributes;
      facts.signals.push({ name: a.signalName ?? '', args: decodeAll(a.input?.payloads) });
    } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const a = e.workflowExecutionUpdateAcceptedEventAttributes;
      const input = a.acceptedRequest?.input;
      const rec = { name: input?.name ?? '', args: decodeAll(input?.args?.payloads) };
      updates.set(a.acceptedRequest?.meta?.updateId ?? a.protocolInstanceId ?? String(e.eventId), rec);
      facts.updates.push(rec);
    } else if (e.workflowExecutionUpdateCompletedEventAttributes) {
      const a = e.workflowExecutionUpdateCompletedEventAttributes;
      const rec = updates.get(a.meta?.updateId ?? '');
      if (rec && a.outcome?.success) rec.result = decodeAll(a.outcome.success.payloads)[0];
      if (rec && a.outcome?.failure) rec.failure = failureOf(a.outcome.failure).rootMessage;
    } else if (e.workflowTaskFailedEventAttributes) {
      const failure = e.workflowTaskFailedEventAttributes.failure;
      facts.taskFailure = { message: failure ? failureOf(failure).rootMessage : 'Workflow task failed', at, where: failure ? throwSite(failure) : undefined };
    } else if (e.workflowTaskCompletedEventAttributes) {
      facts.taskFailure = undefined;
    } else if (e.workflowExecutionCompletedEventAttributes) {
      facts.close = { kind: 'completed', result: decodeAll(e.workflowExecutionCompletedEventAttributes.result?.payloads)[0] };
    } else if (e.workflowExecutionFailedEventAttributes) {
      const failure = e.workflowExecutionFailedEventAttributes.failure;
      facts.close = { kind: 'failed', failure: failure ? failureOf(failure) : { message: 'Workflow failed', rootMessage: 'Workflow failed', rootType: undefined } };
    } else if (e.workflowExecutionTerminatedEventAttributes) {
      facts.close = { kind: 'terminated', reason: e.workflowExecutionTerminatedEventAttributes.reason ?? '' };
    } else if (e.workflowExecutionTimedOutEventAttributes) {
      facts.close = { kind: 'timed_out' };
    } else if (e.workflowExecutionCancelRequestedEventAttributes) {
      facts.cancelRequested = true;
    } else if (e.workflowExecutionCanceledEventAttributes) {
      facts.close = { kind: 'cancelled' };
    } else if (e.workflowExecutionContinuedAsNewEventAttributes) {
      facts.close = { kind: 'continued_as_new' };
    }
  }
  return facts;
}

/** Event ids arrive as protobuf Longs. */
function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value && typeof (value as { toNumber?: unknown }).toNumber === 'function') return (value as { toNumber(): number }).toNumber();
  return Number(value ?? 0);
}

function decodeAll(payloads: readonly Payload[] | null | undefined): unknown[] {
  return (payloads ?? []).map(decode);
}

/** A payload this console cannot decode (another language's converter, encryption) is shown as absent. */
function decode(payload: Payload): unknown {
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
