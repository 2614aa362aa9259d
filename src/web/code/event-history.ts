/**
 * The order's event history as compact rows for the room: event type, time since the workflow started,
 * attempt where it applies, and the one detail that says which activity, timer, signal or update it is.
 * Pure: events in, rows out (the recorded fixtures test it without a server).
 */
import { defaultPayloadConverter } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { HistoryEvent } from '../../temporal/client.js';

export type HistoryTone = 'task' | 'ok' | 'fail' | 'message' | 'info';

export interface HistoryRow {
  id: number;
  /** As the Temporal UI names it: ActivityTaskScheduled, TimerFired... */
  type: string;
  /** Epoch ms (server clock). */
  at: number;
  /** Milliseconds since the first event. */
  offsetMs: number;
  attempt: number | undefined;
  detail: string;
  tone: HistoryTone;
  /** Workflow task events: the Worker Deployment version that ran the task (Worker Versioning), when recorded. */
  version?: TaskVersion;
}

/** `label` is the build id's version prefix ("v1", "v2") or, for another build id, its first 8 characters. */
export interface TaskVersion {
  label: string;
  buildId: string;
}

export interface HistorySummary {
  /** Newest first, at most MAX_ROWS. */
  rows: HistoryRow[];
  total: number;
  /** The workflow run has closed: the history will not grow. */
  closed: boolean;
}

export const MAX_ROWS = 150;

const EVENT_TYPES = proto.temporal.api.enums.v1.EventType as unknown as Record<number, string>;
// Continued-as-new is no end: the next read of the workflow id gets the new run's history.
const CLOSING = /^WorkflowExecution(Completed|Failed|TimedOut|Terminated|Canceled)$/;
type Failure = { message?: string | null; cause?: Failure | null };
type Payload = Parameters<typeof defaultPayloadConverter.fromPayload>[0];

export function summarizeHistory(events: readonly HistoryEvent[]): HistorySummary {
  const activities = new Map<number, string>();
  const nexus = new Map<number, string>();
  const updates = new Map<string, string>();
  const first = msOf(events[0]?.eventTime) ?? 0;
  const rows = events.map((e): HistoryRow => {
    const id = num(e.eventId);
    const type = typeName(e.eventType);
    let detail = '';
    let attempt: number | undefined;
    let version: TaskVersion | undefined;
    if (e.workflowExecutionStartedEventAttributes) {
      const a = e.workflowExecutionStartedEventAttributes;
      detail = a.workflowType?.name ?? '';
      attempt = over1(a.attempt);
    } else if (e.workflowTaskScheduledEventAttributes) {
      attempt = over1(e.workflowTaskScheduledEventAttributes.attempt);
    } else if (e.workflowTaskStartedEventAttributes) {
      version = taskVersion(undefined, e.workflowTaskStartedEventAttributes.workerVersion);
    } else if (e.workflowTaskCompletedEventAttributes) {
      version = taskVersion(e.workflowTaskCompletedEventAttributes, e.workflowTaskCompletedEventAttributes.workerVersion);
    } else if (e.workflowTaskFailedEventAttributes) {
      detail = rootMessage(e.workflowTaskFailedEventAttributes.failure);
      version = taskVersion(undefined, e.workflowTaskFailedEventAttributes.workerVersion);
    } else if (e.activityTaskScheduledEventAttributes) {
      detail = e.activityTaskScheduledEventAttributes.activityType?.name ?? '';
      activities.set(id, detail);
    } else if (e.activityTaskStartedEventAttributes) {
      const a = e.activityTaskStartedEventAttributes;
      detail = activities.get(num(a.scheduledEventId)) ?? '';
      attempt = a.attempt ?? undefined;
    } else if (e.activityTaskCompletedEventAttributes) {
      detail = activities.get(num(e.activityTaskCompletedEventAttributes.scheduledEventId)) ?? '';
    } else if (e.activityTaskFailedEventAttributes) {
      const a = e.activityTaskFailedEventAttributes;
      detail = joined(activities.get(num(a.scheduledEventId)), rootMessage(a.failure));
    } else if (e.activityTaskTimedOutEventAttributes) {
      detail = activities.get(num(e.activityTaskTimedOutEventAttributes.scheduledEventId)) ?? '';
    } else if (e.activityTaskCanceledEventAttributes) {
      detail = activities.get(num(e.activityTaskCanceledEventAttributes.scheduledEventId)) ?? '';
    } else if (e.timerStartedEventAttributes) {
      const a = e.timerStartedEventAttributes;
      detail = `timer ${a.timerId ?? ''}, ${seconds(msOf(a.startToFireTimeout))}`;
    } else if (e.timerFiredEventAttributes) {
      detail = `timer ${e.timerFiredEventAttributes.timerId ?? ''}`;
    } else if (e.timerCanceledEventAttributes) {
      detail = `timer ${e.timerCanceledEventAttributes.timerId ?? ''}`;
    } else if (e.markerRecordedEventAttributes) {
      detail = markerDetail(e.markerRecordedEventAttributes);
    } else if (e.workflowExecutionSignaledEventAttributes) {
      detail = e.workflowExecutionSignaledEventAttributes.signalName ?? '';
    } else if (e.workflowExecutionUpdateAcceptedEventAttributes) {
      const a = e.workflowExecutionUpdateAcceptedEventAttributes;
      detail = a.acceptedRequest?.input?.name ?? '';
      updates.set(a.acceptedRequest?.meta?.updateId ?? a.protocolInstanceId ?? '', detail);
    } else if (e.workflowExecutionUpdateCompletedEventAttributes) {
      const a = e.workflowExecutionUpdateCompletedEventAttributes;
      detail = joined(updates.get(a.meta?.updateId ?? ''), a.outcome?.failure ? `rejected: ${rootMessage(a.outcome.failure)}` : '');
    } else if (e.upsertWorkflowSearchAttributesEventAttributes) {
      const fields = e.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields ?? {};
      detail = Object.entries(fields).map(([k, v]) => `${k} = ${String(decode(v))}`).join(', ');
    } else if (e.startChildWorkflowExecutionInitiatedEventAttributes) {
      detail = e.startChildWorkflowExecutionInitiatedEventAttributes.workflowId ?? '';
    } else if (e.childWorkflowExecutionStartedEventAttributes) {
      detail = e.childWorkflowExecutionStartedEventAttributes.workflowExecution?.workflowId ?? '';
    } else if (e.childWorkflowExecutionCompletedEventAttributes) {
      detail = e.childWorkflowExecutionCompletedEventAttributes.workflowExecution?.workflowId ?? '';
    } else if (e.childWorkflowExecutionFailedEventAttributes) {
      const a = e.childWorkflowExecutionFailedEventAttributes;
      detail = joined(a.workflowExecution?.workflowId ?? undefined, rootMessage(a.failure));
    } else if (e.nexusOperationScheduledEventAttributes) {
      const a = e.nexusOperationScheduledEventAttributes;
      detail = `${a.endpoint ?? ''} › ${a.operation ?? ''}`;
      nexus.set(id, detail);
    } else if (e.nexusOperationStartedEventAttributes) {
      detail = nexus.get(num(e.nexusOperationStartedEventAttributes.scheduledEventId)) ?? '';
    } else if (e.nexusOperationCompletedEventAttributes) {
      detail = nexus.get(num(e.nexusOperationCompletedEventAttributes.scheduledEventId)) ?? '';
    } else if (e.nexusOperationFailedEventAttributes) {
      const a = e.nexusOperationFailedEventAttributes;
      detail = joined(nexus.get(num(a.scheduledEventId)), rootMessage(a.failure));
    } else if (e.workflowExecutionFailedEventAttributes) {
      detail = rootMessage(e.workflowExecutionFailedEventAttributes.failure);
    } else if (e.workflowExecutionTerminatedEventAttributes) {
      detail = e.workflowExecutionTerminatedEventAttributes.reason ?? '';
    }
    const at = msOf(e.eventTime);
    const row: HistoryRow = { id, type, at: at ?? first, offsetMs: at === undefined ? 0 : Math.max(0, at - first), attempt, detail, tone: toneOf(type) };
    if (version) row.version = version;
    return row;
  });
  const closed = rows.some((r) => CLOSING.test(r.type));
  return { rows: rows.reverse().slice(0, MAX_ROWS), total: rows.length, closed };
}

type CompletedVersioning = {
  deploymentVersion?: { buildId?: string | null } | null;
  workerDeploymentVersion?: string | null;
  deployment?: { buildId?: string | null } | null;
};

/**
 * The build id of the worker that ran a workflow task: `deploymentVersion` (server 1.28+), else the older
 * `workerDeploymentVersion` ("<deployment>.<build id>"), `deployment`, or the worker's version stamp.
 * Unversioned workers leave them empty: no version.
 */
export function taskVersion(a: CompletedVersioning | undefined, stamp: { buildId?: string | null } | null | undefined): TaskVersion | undefined {
  const legacy = a?.workerDeploymentVersion && a.workerDeploymentVersion.includes('.') ? a.workerDeploymentVersion.slice(a.workerDeploymentVersion.indexOf('.') + 1) : undefined;
  const buildId = a?.deploymentVersion?.buildId || legacy || a?.deployment?.buildId || stamp?.buildId || '';
  if (!buildId) return undefined;
  const prefix = /^(v\d+)-/.exec(buildId);
  return { label: prefix ? prefix[1]! : buildId.slice(0, 8), buildId };
}

/** EVENT_TYPE_ACTIVITY_TASK_SCHEDULED (or its number) as ActivityTaskScheduled. */
export function typeName(eventType: unknown): string {
  const raw = typeof eventType === 'number' ? EVENT_TYPES[eventType] ?? String(eventType) : String(eventType ?? '');
  return raw
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function toneOf(type: string): HistoryTone {
  if (/(Failed|TimedOut|Terminated)$/.test(type)) return 'fail';
  if (type.startsWith('WorkflowTask')) return 'task';
  if (/^WorkflowExecution(Signaled|Update)/.test(type)) return 'message';
  if (/(Completed|Fired)$/.test(type)) return 'ok';
  return 'info';
}

/** "1 s", "150 ms": timers at demo pace and at test pace. */
export function seconds(ms: number | undefined): string {
  if (ms === undefined) return '?';
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

function markerDetail(a: NonNullable<HistoryEvent['markerRecordedEventAttributes']>): string {
  // The TS SDK records a local activity as a marker whose data names the activity.
  const data = decode(a.details?.data?.payloads?.[0]);
  const activity = data && typeof data === 'object' ? (data as { activity_type?: unknown }).activity_type : undefined;
  return typeof activity === 'string' ? `local activity ${activity}` : a.markerName ?? '';
}

function rootMessage(failure: Failure | null | undefined): string {
  let f = failure;
  for (let depth = 0; f?.cause && depth < 10; depth++) f = f.cause;
  return f?.message || failure?.message || '';
}

function joined(...parts: (string | undefined)[]): string {
  return parts.filter((p) => p).join(': ');
}

function over1(attempt: number | null | undefined): number | undefined {
  return attempt && attempt > 1 ? attempt : undefined;
}

function decode(payload: Payload | null | undefined): unknown {
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return undefined;
  }
}

/** Event ids and seconds arrive as protobuf Longs (or their plain {low, high} shape, or strings). */
function num(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value && typeof (value as { toNumber?: unknown }).toNumber === 'function') return (value as { toNumber(): number }).toNumber();
  if (value && typeof value === 'object' && 'low' in value && 'high' in value) {
    const { low, high } = value as { low: number; high: number };
    return high * 2 ** 32 + (low >>> 0);
  }
  return Number(value ?? 0);
}

/** A protobuf Timestamp or Duration in ms. */
function msOf(value: { seconds?: unknown; nanos?: number | null } | null | undefined): number | undefined {
  if (!value) return undefined;
  return num(value.seconds) * 1000 + Math.round((value.nanos ?? 0) / 1e6);
}
