/**
 * What an order's history says about the worker that ran it (the figures, read the way the Go
 * comparison read them): how long the order took beyond its designed delays, how long each workflow task
 * took to process, and how many activities ran at once across many orders. Pure functions over the JSON
 * form of a history (`historyToJSON`, the format of test/fixtures/histories/), so they are unit-tested on
 * recorded histories.
 *
 * Designed delays: the flow's timers (their startToFireTimeout, as recorded) plus each activity's designed
 * duration at the order's TimeScale; commands scheduled by one workflow task run side by side, so a batch
 * (e.g. the three ShipOrder) counts as its longest member. ShipOrder's designed duration is random (1–4 s):
 * it counts as its own run time (started → completed) clamped to that range, so a worker too slow to
 * report its completion still shows as overhead beyond 4 s, never as design.
 */
import { CALL_MS } from '../../src/activities/order.js';
import { MAX_SHIP_MS, MIN_SHIP_MS } from '../../src/activities/shipping.js';
import { ACTIVITY } from '../../src/temporal/contract.js';

export interface JsonEvent {
  eventId: string;
  eventTime: string;
  eventType: string;
  [attributes: string]: unknown;
}

export interface JsonHistory {
  events: JsonEvent[];
}

/** One activity attempt's run, in ms since the epoch (fractional: event times carry microseconds). */
export interface Interval {
  start: number;
  end: number;
}

export interface OrderFigures {
  /** WorkflowExecutionStarted → its close event. */
  durationMs: number;
  /** The sum of the flow's designed delays (see the header). */
  designedMs: number;
  /** durationMs − designedMs: what the worker and the server added. */
  overheadMs: number;
  /** Each workflow task's WorkflowTaskStarted → WorkflowTaskCompleted. */
  workflowTaskMs: number[];
  /** Each activity's run (ActivityTaskStarted → its completion, failure or timeout). */
  activityRuns: Interval[];
}

/** An activity's designed duration at TimeScale 1, or a range for a random one. */
const DESIGNED_MS: Record<string, number | [number, number]> = {
  [ACTIVITY.checkFraud]: CALL_MS,
  [ACTIVITY.prepareShipment]: CALL_MS,
  [ACTIVITY.chargeCustomer]: CALL_MS,
  [ACTIVITY.undoPrepareShipment]: CALL_MS,
  [ACTIVITY.undoChargeCustomer]: CALL_MS,
  [ACTIVITY.shipOrder]: [MIN_SHIP_MS, MAX_SHIP_MS],
};

const CLOSE_EVENTS = new Set([
  'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT',
  'EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED',
  'EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW',
]);
const ACTIVITY_ENDS = ['COMPLETED', 'FAILED', 'TIMED_OUT', 'CANCELED'].map((s) => `EVENT_TYPE_ACTIVITY_TASK_${s}`);

/** RFC 3339 with up to nanoseconds → ms since the epoch, keeping microseconds (Date.parse stops at ms). */
export function eventTimeMs(time: string): number {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!match) throw new Error(`Not an event time: ${time}`);
  const fraction = Number(`0.${match[2] ?? '0'}`);
  return Date.parse(`${match[1]}${match[3]}`) + fraction * 1000;
}

/** A protobuf JSON duration ("1.500s") in ms. */
export function durationMs(duration: unknown): number {
  const match = typeof duration === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(duration) : null;
  if (!match) throw new Error(`Not a duration: ${String(duration)}`);
  return Number(match[1]) * 1000;
}

/** The figures of one order's history (it must have closed). */
export function orderFigures(history: JsonHistory): OrderFigures {
  const events = history.events;
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const attrs = (e: JsonEvent): Record<string, any> => (Object.entries(e).find(([k]) => k.endsWith('EventAttributes'))?.[1] ?? {}) as Record<string, any>;
  const first = events[0];
  const close = events.find((e) => CLOSE_EVENTS.has(e.eventType));
  if (!first || first.eventType !== 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' || !close) throw new Error('Not the history of a closed workflow.');
  const scale = timeScaleOfStart(attrs(first));

  const workflowTaskMs: number[] = [];
  const activityRuns: Interval[] = [];
  const runMsOfScheduled = new Map<string, number>();
  for (const e of events) {
    const a = attrs(e);
    if (e.eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED') {
      const started = byId.get(String(a.startedEventId));
      if (started) workflowTaskMs.push(eventTimeMs(e.eventTime) - eventTimeMs(started.eventTime));
    } else if (ACTIVITY_ENDS.includes(e.eventType)) {
      const started = byId.get(String(a.startedEventId));
      if (!started) continue;
      const run = { start: eventTimeMs(started.eventTime), end: eventTimeMs(e.eventTime) };
      activityRuns.push(run);
      runMsOfScheduled.set(String(a.scheduledEventId), run.end - run.start);
    }
  }

  // Commands of one workflow task run side by side: each batch waits for its longest member.
  const batches = new Map<string, number>();
  for (const e of events) {
    const a = attrs(e);
    let designed: number | undefined;
    if (e.eventType === 'EVENT_TYPE_TIMER_STARTED') designed = durationMs(a.startToFireTimeout);
    else if (e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED') designed = designedActivityMs(a.activityType?.name, scale, runMsOfScheduled.get(e.eventId));
    if (designed === undefined) continue;
    const batch = String(a.workflowTaskCompletedEventId);
    batches.set(batch, Math.max(batches.get(batch) ?? 0, designed));
  }
  const designedMs = [...batches.values()].reduce((sum, ms) => sum + ms, 0);
  const total = eventTimeMs(close.eventTime) - eventTimeMs(first.eventTime);
  return { durationMs: total, designedMs, overheadMs: total - designedMs, workflowTaskMs, activityRuns };
}

function designedActivityMs(type: string | undefined, scale: number, runMs: number | undefined): number {
  const designed = type === undefined ? undefined : DESIGNED_MS[type];
  if (designed === undefined) return 0;
  if (typeof designed === 'number') return designed * scale;
  const [min, max] = designed;
  return Math.min(Math.max(runMs ?? min * scale, min * scale), max * scale);
}

/** The order's TimeScale from its recorded input (json/plain payload); 1, the demo pace, when absent. */
function timeScaleOfStart(started: Record<string, any>): number {
  const data = started.input?.payloads?.[0]?.data;
  if (typeof data !== 'string') return 1;
  try {
    const scale = (JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { TimeScale?: unknown }).TimeScale;
    return typeof scale === 'number' && scale > 0 ? scale : 1;
  } catch {
    return 1;
  }
}

/** The most intervals open at one moment (an end and a start at the same instant do not overlap). */
export function maxConcurrent(intervals: readonly Interval[]): number {
  const edges = intervals.flatMap((i) => [
    { at: i.start, step: 1 },
    { at: i.end, step: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let open = 0;
  let most = 0;
  for (const edge of edges) most = Math.max(most, (open += edge.step));
  return most;
}

export function mean(values: readonly number[]): number {
  return values.length ? values.reduce((sum, v) => sum + v, 0) / values.length : Number.NaN;
}
