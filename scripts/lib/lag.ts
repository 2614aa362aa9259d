/**
 * Progress lag: how long after the server records what moves an order's progress its viewers see it. Each
 * step's progress follows its activity's completion (ActivityTaskCompleted in the history, server clock: the
 * contract sets progress as the activity completes, and the console reads it from the history); 100 % the
 * workflow's completion. A viewer sees it when the SSE `progress` event with the new percentage arrives
 * (client clock: the same machine's).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import { ACTIVITY, PROGRESS } from '../../src/temporal/contract.js';
import { startOrders } from './drill-orders.js';
import type { LocalStack } from './local-stack.js';
import { progressOf, watchOrder } from './sse-client.js';
import { within } from './wait.js';

const { EventType } = proto.temporal.api.enums.v1;
/** HappyPath sets these as soon as each activity completes, before its timer (the contract, as in Go). */
const AFTER_ACTIVITY: Record<string, number> = {
  [ACTIVITY.checkFraud]: PROGRESS.fraudChecked,
  [ACTIVITY.prepareShipment]: PROGRESS.shipmentPrepared,
  [ACTIVITY.chargeCustomer]: PROGRESS.charged,
};
/** Far beyond an order's few seconds: a console that never ends the streams is reported, not waited for. */
const VIEW_TIMEOUT_MS = 120_000;

/** Starts `orders` HappyPath orders at once, each with a viewer; returns every lag measured, in ms. */
export async function measureProgressLag(ls: LocalStack, orders: number, timeScale: number): Promise<number[]> {
  const started = await startOrders(ls.client, ls.config.taskQueue, orders, { timeScale, humanWaitSeconds: 1 }, ['HappyPath']);
  const runs = started.map((order) => {
    const seen = new Map<number, number>();
    let initial: number | undefined;
    const viewer = watchOrder(`${ls.stack.consoleUrl}/orders/${order.orderId}/events`, (event) => {
      const value = event.event === 'progress' ? progressOf(event.data) : undefined;
      if (value === undefined) return;
      initial ??= value; // what the page showed on arrival is not a change it waited for
      if (!seen.has(value)) seen.set(value, event.at);
    });
    return { order, viewer, seen, initial: () => initial };
  });
  try {
    const ended = await within(Promise.all(runs.map((r) => r.viewer.done)), VIEW_TIMEOUT_MS, undefined);
    if (!ended) {
      const problems = [...new Set(runs.map((r) => r.viewer.lastProblem ?? 'no done event'))].join(', ');
      throw new Error(`Not every viewer saw its order end within ${VIEW_TIMEOUT_MS / 1000} s (${problems}).`);
    }
    const lags: number[] = [];
    for (const run of runs) {
      const changed = await progressChanges(run.order.handle);
      for (const [value, at] of run.seen) {
        const when = changed.get(value);
        if (value !== run.initial() && when !== undefined) lags.push(at - when);
      }
    }
    return lags;
  } finally {
    runs.forEach((r) => r.viewer.close());
  }
}

/** When the server recorded what makes each percentage true. */
async function progressChanges(handle: WorkflowHandle): Promise<Map<number, number>> {
  const changes = new Map<number, number>();
  const scheduled = new Map<string, string>();
  for (const e of (await handle.fetchHistory()).events ?? []) {
    const at = optionalTsToMs(e.eventTime);
    if (at === undefined) continue;
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      scheduled.set(String(e.eventId), e.activityTaskScheduledEventAttributes?.activityType?.name ?? '');
    } else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
      const value = AFTER_ACTIVITY[scheduled.get(String(e.activityTaskCompletedEventAttributes?.scheduledEventId)) ?? ''];
      if (value !== undefined) changes.set(value, at);
    } else if (e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) {
      changes.set(PROGRESS.completed, at);
    }
  }
  return changes;
}
