/**
 * The order's step timeline: the history says what each step did; describe()'s pending activities and
 * Nexus operations say what it is doing right now (current attempt, last failure while retrying).
 * Retries never reach the history until the activity closes, so both are needed.
 */
import { ITEMS } from '../../activities/order.js';
import { ACTIVITY, SHIPPING_WORKFLOW_TYPE, shipmentWorkflowId } from '../../temporal/contract.js';
import type { Item } from '../../temporal/contract.js';
import type { OrderDescription, PendingActivity } from '../../temporal/client.js';
import { isRecord } from './history.js';
import type { ActivityRecord, HistoryFacts, RecordState } from './history.js';
import { ACTIVITY_LABELS, plainFailureMessage } from './wording.js';

export type StepState = 'pending' | 'running' | 'retrying' | 'completed' | 'failed' | 'timed-out' | 'cancelled' | 'terminated';

export interface StepView {
  /** Stable id for tests and CSS: CheckFraud, ShipOrder-654300, UndoChargeCustomer... */
  key: string;
  label: string;
  state: StepState;
  /** The attempt running now, or the one that closed the step. */
  attempt: number | undefined;
  /** Why the previous attempt failed (while retrying) or why the step failed. */
  failure: string | undefined;
  /** Epoch ms of the next retry. */
  nextAttemptAt: number | undefined;
  /** How a shipment runs: a child workflow or a Nexus operation starting one (workflow in `namespace`). */
  via: { kind: 'child' | 'nexus'; workflowId: string; namespace: string; operation?: string } | undefined;
}

export interface StepContext {
  orderId: string;
  namespace: string;
  nexusNamespace: string;
}

const MAIN_STEPS = [ACTIVITY.checkFraud, ACTIVITY.prepareShipment, ACTIVITY.chargeCustomer].map((type) => ({ type, label: ACTIVITY_LABELS[type] ?? type }));

const COMPENSATIONS: readonly string[] = [ACTIVITY.undoChargeCustomer, ACTIVITY.undoPrepareShipment];

/** The items every order ships, sorted by id like the GetItems activity returns them. */
export const ORDER_ITEMS: readonly Item[] = [...ITEMS].sort((a, b) => a.id - b.id);

export function mainSteps(facts: HistoryFacts, d: OrderDescription, ctx: StepContext): StepView[] {
  const steps: StepView[] = MAIN_STEPS.map(({ type, label }) =>
    activityStep(type, label, facts.activities.filter((a) => a.activityType === type).at(-1), d.pendingActivities),
  );
  return [...steps, ...shipSteps(facts, d, ctx)];
}

export function compensationSteps(facts: HistoryFacts, d: OrderDescription): StepView[] {
  return facts.activities
    .filter((a) => COMPENSATIONS.includes(a.activityType))
    .map((a) => activityStep(a.activityType, ACTIVITY_LABELS[a.activityType] ?? a.activityType, a, d.pendingActivities));
}

function shipSteps(facts: HistoryFacts, d: OrderDescription, ctx: StepContext): StepView[] {
  const byItem = new Map<number, StepView>();
  for (const a of facts.activities.filter((r) => r.activityType === ACTIVITY.shipOrder)) {
    const item = shippedItemOf(a.args);
    if (item) byItem.set(item.id, activityStep(shipKey(item.id), shipLabel(item), a, d.pendingActivities));
  }
  for (const c of facts.children.filter((r) => r.workflowType === SHIPPING_WORKFLOW_TYPE)) {
    const item = itemOf(c.args[0]) ?? itemFromShipmentId(c.workflowId);
    if (!item) continue;
    byItem.set(item.id, {
      ...closedStep(shipKey(item.id), shipLabel(item), c.state, c.failure),
      via: { kind: 'child', workflowId: c.workflowId, namespace: ctx.namespace },
    });
  }
  for (const op of facts.nexus) {
    const item = itemOf(op.input);
    if (!item) continue;
    const pending = d.pendingNexusOperations.find((p) => p.scheduledEventId === op.scheduledId);
    const step = closedStep(shipKey(item.id), shipLabel(item), op.state, op.failure);
    if (pending && pending.attempt > 1) Object.assign(step, { state: 'retrying', attempt: pending.attempt, failure: plainFailureMessage(pending.lastFailure) });
    step.via = {
      kind: 'nexus',
      workflowId: shipmentWorkflowId(ctx.orderId, item.id),
      namespace: ctx.nexusNamespace,
      operation: `${op.endpoint} › ${op.service} › ${op.operation}`,
    };
    byItem.set(item.id, step);
  }
  const planned = ORDER_ITEMS.map((item) => byItem.get(item.id) ?? closedStep(shipKey(item.id), shipLabel(item), undefined, undefined));
  const extra = [...byItem.entries()].filter(([id]) => !ORDER_ITEMS.some((i) => i.id === id)).map(([, s]) => s);
  return [...planned, ...extra];
}

function activityStep(key: string, label: string, rec: ActivityRecord | undefined, pending: PendingActivity[]): StepView {
  const step = closedStep(key, label, rec?.state, rec?.failure);
  step.attempt = rec?.attempt;
  const now = rec && pending.find((p) => p.activityId === rec.activityId && p.activityType === rec.activityType);
  if (now) {
    step.attempt = now.attempt;
    step.failure = plainFailureMessage(now.lastFailure);
    step.nextAttemptAt = now.state === 'scheduled' ? now.nextAttemptAt : undefined;
    step.state = now.attempt > 1 || now.lastFailure ? 'retrying' : 'running';
  }
  return step;
}

function closedStep(key: string, label: string, state: RecordState | undefined, failure: string | undefined): StepView {
  const mapped: StepState =
    state === undefined ? 'pending' : state === 'scheduled' || state === 'started' ? 'running' : state;
  return { key, label, state: mapped, attempt: undefined, failure: plainFailureMessage(failure), nextAttemptAt: undefined, via: undefined };
}

function shipKey(itemId: number): string {
  return `${ACTIVITY.shipOrder}-${itemId}`;
}

function shipLabel(item: Item): string {
  return `Ship ${item.description} ×${item.quantity}`;
}

/**
 * The item a ShipOrder activity ships, in either shape peers send: one `{Order, Item}` argument (the
 * contract) or two, `(order, item)` (Go's reference HappyPath).
 */
export function shippedItemOf(args: readonly unknown[]): Item | undefined {
  return itemOf(args[0]) ?? (args.length >= 2 ? itemFields(args[1]) : undefined);
}

/** The item of a ShipOrder / ShippingWorkflow / ship-item input: {Order, Item}. */
function itemOf(input: unknown): Item | undefined {
  return isRecord(input) ? itemFields(field(input, 'Item')) : undefined;
}

/** An item as any peer encodes it: the contract's `id`, `description`, `quantity`, in any letter case (Go's JSON decoding ignores it). */
function itemFields(value: unknown): Item | undefined {
  if (!isRecord(value)) return undefined;
  const id = field(value, 'id');
  if (typeof id !== 'number') return undefined;
  const known = ORDER_ITEMS.find((i) => i.id === id);
  const description = field(value, 'description');
  const quantity = field(value, 'quantity');
  return {
    id,
    description: typeof description === 'string' ? description : known?.description ?? `Item ${id}`,
    quantity: typeof quantity === 'number' ? quantity : known?.quantity ?? 1,
  };
}

/** A field by its contract name, or by the same name in another letter case. */
function field(record: Record<string, unknown>, name: string): unknown {
  if (name in record) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}

function itemFromShipmentId(workflowId: string): Item | undefined {
  const id = Number(/-(\d+)$/.exec(workflowId)?.[1]);
  return ORDER_ITEMS.find((i) => i.id === id);
}
