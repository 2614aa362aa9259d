/**
 * Reads a workflow's history as plain JSON (event types as names, payloads decoded), so assertions
 * name what the audience would see in the Web UI rather than proto field numbers.
 */
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';

export interface HistoryEvent {
  eventId: string;
  /** e.g. ActivityTaskScheduled, WorkflowTaskFailed. */
  type: string;
  attributes: Record<string, any>;
}

export async function historyOf(handle: WorkflowHandle): Promise<HistoryEvent[]> {
  // Default import: @temporalio/proto is CommonJS without detectable named exports under Node's ESM loader.
  const { History } = proto.temporal.api.history.v1;
  const history = History.fromObject(await handle.fetchHistory());
  const json = History.toObject(history, { enums: String, longs: String, bytes: String, defaults: false });
  return (json.events ?? []).map((event: Record<string, any>) => {
    const type = pascal(String(event.eventType).replace(/^EVENT_TYPE_/, ''));
    const key = Object.keys(event).find((k) => k.endsWith('EventAttributes'));
    return { eventId: String(event.eventId), type, attributes: key ? event[key] : {} };
  });
}

export function ofType(events: HistoryEvent[], type: string): HistoryEvent[] {
  return events.filter((e) => e.type === type);
}

/** Activity types in the order they were scheduled. */
export function scheduledActivities(events: HistoryEvent[]): string[] {
  return ofType(events, 'ActivityTaskScheduled').map((e) => e.attributes.activityType.name as string);
}

/** The attempt an activity finished on, found through its scheduled event. */
export function finalAttempt(events: HistoryEvent[], activityType: string): number | undefined {
  const scheduled = ofType(events, 'ActivityTaskScheduled').find((e) => e.attributes.activityType.name === activityType);
  const started = ofType(events, 'ActivityTaskStarted').find((e) => e.attributes.scheduledEventId === scheduled?.eventId);
  return started?.attributes.attempt;
}

/** Decodes a json/plain payload as stored in history JSON. */
export function decodePayload(payload: { data?: string } | undefined): unknown {
  return payload?.data === undefined ? undefined : JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8'));
}

function pascal(snake: string): string {
  return snake
    .toLowerCase()
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** A proto Duration from history JSON ({ seconds: '1', nanos: 5e8 }) in milliseconds. */
export function durationMs(duration: { seconds?: string | number; nanos?: number } | undefined): number | undefined {
  if (!duration) return undefined;
  return Number(duration.seconds ?? 0) * 1000 + Math.round((duration.nanos ?? 0) / 1e6);
}
