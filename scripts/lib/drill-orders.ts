/**
 * The drills' orders: a mix of every scenario that ends without a person, what each must end as, and
 * the outside systems' evidence, read from the database, that each effect (charge, refund, reservation,
 * shipment, message) was applied exactly as the scenario says: none missing, none doubled.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { ITEMS } from '../../src/activities/order.js';
import type { Systems } from '../../src/db/systems.js';
import { readOrderEffects, type OrderEffects } from '../../src/effects/order-effects.js';
import { ACTIVITY, INVALID_CREDIT_CARD, orderWorkflowId, workflowTypeOf, type OrderResult, type Scenario } from '../../src/temporal/contract.js';

/**
 * Every scenario that ends by itself. The human-in-the-loop ones take their timeout path (a short
 * HumanWaitSeconds); RecoverableFailure only ends once its fix is deployed, so the drill stack runs the
 * worker with the fix (ORDER_DEMO_FIX_DEPLOYED) and it must complete like HappyPath.
 */
export const DRILL_SCENARIOS: readonly Scenario[] = [
  'HappyPath',
  'AdvancedVisibility',
  'ChildWorkflow',
  'NexusOperation',
  'APIFailure',
  'NonRecoverableFailure',
  'HumanInLoopSignal',
  'HumanInLoopUpdate',
  'RecoverableFailure',
];

export interface DrillPace {
  timeScale: number;
  humanWaitSeconds: number;
}

export interface DrillOrder {
  orderId: string;
  scenario: Scenario;
  address: string;
  handle: WorkflowHandle;
}

let counter = 0;
/** Unique digits per call in this process: time, then a counter (OrderIds are at most 12 digits). */
export function newOrderId(): string {
  counter = (counter + 1) % 1000;
  return `${Date.now() % 1e9}`.padStart(9, '0') + String(counter).padStart(3, '0');
}

/** Starts `count` orders, the scenarios taken in turn (from an offset, so small batches still mix). */
export async function startOrders(
  client: Client, taskQueue: string, count: number, pace: DrillPace, scenarios: readonly Scenario[] = DRILL_SCENARIOS, offset = 0,
): Promise<DrillOrder[]> {
  const orders = Array.from({ length: count }, (_, i) => {
    const orderId = newOrderId();
    return { orderId, scenario: scenarios[(offset + i) % scenarios.length]!, address: `${offset + i + 1} Drill Lane` };
  });
  return Promise.all(
    orders.map(async (o) => ({
      ...o,
      handle: await client.workflow.start(workflowTypeOf(o.scenario), {
        taskQueue,
        workflowId: orderWorkflowId(o.orderId),
        args: [{ OrderId: o.orderId, Address: o.address, TimeScale: pace.timeScale, HumanWaitSeconds: pace.humanWaitSeconds }],
      }),
    })),
  );
}

export type Outcome = { kind: 'completed'; result: OrderResult } | { kind: 'failed'; error: WorkflowFailedError } | { kind: 'unfinished'; why: string };

/** The order's end, waiting through server restarts (calls then fail for a while) until the deadline. */
export async function outcomeOf(client: Client, handle: WorkflowHandle, deadline: number): Promise<Outcome> {
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      // The deadline bounds each long poll of the result, so an order that never ends cannot hang the drill.
      return { kind: 'completed', result: (await client.connection.withDeadline(deadline, () => handle.result())) as OrderResult };
    } catch (err) {
      if (err instanceof WorkflowFailedError) return { kind: 'failed', error: err };
      last = (err as Error).message.split('\n')[0] ?? String(err);
      await sleep(500);
    }
  }
  return { kind: 'unfinished', why: `still not finished at the deadline (${last})` };
}

export interface OrderCheck {
  order: DrillOrder;
  /** What is wrong with how it ended (the order is lost); undefined when it ended as its scenario says. */
  problem: string | undefined;
  /** What is wrong with its effects in the outside systems (one missing, doubled or unexpected). */
  effectsProblem: string | undefined;
  /** Effects applied more than once (0 when the systems' keys held). */
  doubled: number;
  /** ChargeCustomer re-ran after the charge was applied and got the provider's first answer: idempotence exercised. */
  chargeReplayed: boolean;
}

/** Checks each order's end and its effects in the database; every order gets until `deadline`. */
export async function checkOrders(client: Client, orders: DrillOrder[], systems: Systems | undefined, deadline: number): Promise<OrderCheck[]> {
  const outcomes = await Promise.all(orders.map((o) => outcomeOf(client, o.handle, deadline)));
  return Promise.all(
    orders.map(async (order, i) => {
      const outcome = outcomes[i]!;
      const history = outcome.kind === 'unfinished' ? [] : await activityTrail(order.handle);
      const effects = systems && (await readOrderEffects(systems, orderWorkflowId(order.orderId)));
      const charge = effects?.charges[0];
      const chargeAttempt = history.find((a) => a.type === ACTIVITY.chargeCustomer)?.lastAttempt ?? 0;
      const counted = effects && countEffects(order, effects);
      return {
        order,
        problem: outcomeProblem(order, outcome, history),
        effectsProblem: counted?.problem,
        doubled: counted?.doubled ?? 0,
        chargeReplayed: !!charge && chargeAttempt > charge.attempt,
      };
    }),
  );
}

/**
 * What an order's scenario must leave in the outside world: a completed order one captured charge, its
 * three items reserved then shipped once each, one confirmation; a declined card one declined charge, one
 * void, its items reserved then released, one cancellation message.
 */
export function expectedEffects(scenario: Scenario): Record<string, number> {
  const declined = scenario === 'NonRecoverableFailure';
  const expected: Record<string, number> = declined
    ? { 'charge declined': 1, 'refund voided': 1, 'message cancellation': 1 }
    : { 'charge captured': 1, 'message confirmation': 1 };
  for (const item of ITEMS) {
    expected[`item ${item.id} ${declined ? 'released' : 'shipped'}`] = 1;
    if (!declined) expected[`item ${item.id} shipment`] = 1;
  }
  return expected;
}

/** Each effect counted against the scenario's expectation: missing, doubled and unexpected ones named. */
export function countEffects(order: DrillOrder, e: OrderEffects): { problem: string | undefined; doubled: number } {
  const got = new Map<string, number>();
  const add = (key: string): void => void got.set(key, (got.get(key) ?? 0) + 1);
  for (const c of e.charges) add(`charge ${c.outcome}`);
  for (const r of e.refunds) add(`refund ${r.outcome}`);
  for (const n of e.notifications) add(`message ${n.kind}`);
  for (const r of e.reservations) if (r.quantity > 0) add(`item ${r.itemId} ${r.state}`);
  for (const s of e.shipments) add(`item ${s.itemId} shipment`);
  const expected = expectedEffects(order.scenario);
  const problems: string[] = [];
  let doubled = 0;
  for (const [key, n] of Object.entries(expected)) {
    const seen = got.get(key) ?? 0;
    if (seen < n) problems.push(`${key} missing`);
    if (seen > n) (problems.push(`${key} ×${seen}`), (doubled += seen - n));
  }
  for (const [key, n] of got) if (!(key in expected)) problems.push(`unexpected ${key}${n > 1 ? ` ×${n}` : ''}`);
  return { problem: problems.length ? `effects: ${problems.join(', ')}` : undefined, doubled };
}

function outcomeProblem(order: DrillOrder, outcome: Outcome, trail: ActivityRun[]): string | undefined {
  if (outcome.kind === 'unfinished') return outcome.why;
  if (order.scenario === 'NonRecoverableFailure') {
    if (outcome.kind !== 'failed') return 'completed, but the card is invalid: it must fail';
    const type = (outcome.error.cause?.cause as { type?: string } | undefined)?.type;
    if (type !== INVALID_CREDIT_CARD) return `failed with ${type ?? outcome.error.cause?.message}, not ${INVALID_CREDIT_CARD}`;
    const undos = trail.filter((a) => a.type === ACTIVITY.undoChargeCustomer || a.type === ACTIVITY.undoPrepareShipment);
    const expected = `${ACTIVITY.undoChargeCustomer} ok, ${ACTIVITY.undoPrepareShipment} ok`;
    const got = undos.map((a) => `${a.type} ${a.completed ? 'ok' : 'not completed'}`).join(', ');
    return got === expected ? undefined : `compensations ${got || 'none'}; expected ${expected}`;
  }
  if (outcome.kind !== 'completed') return `failed: ${outcome.error.cause?.message ?? outcome.error.message}`;
  const { trackingId, address } = outcome.result;
  if (!/^[0-9a-f-]{36}$/.test(trackingId ?? '')) return `no tracking id in ${JSON.stringify(outcome.result)}`;
  return address === order.address ? undefined : `shipped to "${address}", expected "${order.address}"`;
}

interface ActivityRun {
  type: string;
  /** Attempt of the last start recorded (history keeps only the last attempt's start). */
  lastAttempt: number;
  completed: boolean;
}

const { EventType } = proto.temporal.api.enums.v1;

/** The order's activities in the order they were scheduled, with their last attempt and whether they completed. */
async function activityTrail(handle: WorkflowHandle): Promise<ActivityRun[]> {
  const runs = new Map<string, ActivityRun>();
  for (const e of (await handle.fetchHistory()).events ?? []) {
    const id = String(e.eventId);
    if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      runs.set(id, { type: e.activityTaskScheduledEventAttributes?.activityType?.name ?? '?', lastAttempt: 0, completed: false });
    } else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      const run = runs.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId));
      if (run) run.lastAttempt = e.activityTaskStartedEventAttributes?.attempt ?? 0;
    } else if (e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
      const run = runs.get(String(e.activityTaskCompletedEventAttributes?.scheduledEventId));
      if (run) run.completed = true;
    }
  }
  return [...runs.values()];
}
