/**
 * The order flow every scenario runs, written once as small named steps. A scenario customises it only
 * through FlowOptions: how items ship, whether it waits for a new address, and hooks around steps.
 */
import { CancellationScope, condition, log, patched, proxyActivities, proxyLocalActivities, sleep, uuid4, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { ACTIVITY, ORDER_STATUS_VALUES, PROGRESS, type Item, type OrderInput, type OrderResult } from '../temporal/contract.js';
import { Compensations } from './compensations.js';
import type { OrderStatusValue } from './extras.js';
import { SHIP_ORDER_HEARTBEAT, SHIPPING_NOT_CANCELLABLE } from './extras.js';
import { activityOptions, normalizeOrder, shipOrderOptions, type Order } from './order-input.js';
import { paceOf, scaled, type Pace } from './pace.js';
import { acceptAddressChanges, createOrderState, type AddressChannel, type FlowState } from './order-state.js';

export interface FlowContext {
  order: Order;
  /** What GetItems returned (empty until it has). */
  items: Item[];
  pace: Pace;
  state: FlowState;
  activities: Activities;
}

/** Ships every item; resolves when all have shipped. */
export type ShipItems = (ctx: FlowContext, items: Item[]) => Promise<void>;

export interface FlowOptions {
  /** How the items ship; default: one ShipOrder activity per item, in parallel. */
  shipItems?: ShipItems;
  /** Wait at 75 % for UpdateOrder through this channel (human-in-the-loop scenarios). */
  addressChannel?: AddressChannel;
  /** Called as each OrderStatus step begins (AdvancedVisibility upserts it). */
  onStep?: (status: OrderStatusValue) => void;
  /** Called with the order's state as soon as it exists, before the first await (fulfilment adds handlers). */
  onState?: (state: FlowState) => void;
  /** Runs after the charge reached 75 % and its timer fired (RecoverableFailure's bug lives here). */
  afterCharge?: (ctx: FlowContext) => void | Promise<void>;
}

export async function runOrderFlow(input: OrderInput, options: FlowOptions = {}): Promise<OrderResult> {
  const order = normalizeOrder(input);
  const pace = paceOf(order);
  const state = createOrderState(order.Address);
  if (options.addressChannel) acceptAddressChanges(state, options.addressChannel);
  options.onState?.(state);
  const ctx: FlowContext = { order, pace, state, items: [], activities: proxyActivities<Activities>(activityOptions(pace)) };
  const saga = new Compensations(state);
  const enter = (status: OrderStatusValue): void => {
    state.step = status;
    options.onStep?.(status);
    log.info('Order step', { step: status });
  };

  try {
    const items = await getItems(ctx);
    ctx.items = items;
    enter(ORDER_STATUS_VALUES.checkFraud);
    await checkFraud(ctx);
    enter(ORDER_STATUS_VALUES.prepareShipment);
    await prepareShipment(ctx, saga);
    enter(ORDER_STATUS_VALUES.chargeCustomer);
    await chargeCustomer(ctx, saga);
    await options.afterCharge?.(ctx);
    if (options.addressChannel) await awaitAddressChange(ctx);
    state.addressFinal = true;
    enter(ORDER_STATUS_VALUES.shipOrder);
    await ship(ctx, items, options.shipItems ?? shipWithActivities);
    state.progress = PROGRESS.completed;
    enter(ORDER_STATUS_VALUES.completed);
    return { trackingId: uuid4(), address: state.address };
  } catch (err) {
    if (!Compensations.appliesTo(err)) throw err;
    state.step = 'Compensating';
    await saga.runAll();
    state.step = 'Failed';
    throw err;
  }
}

/** The order as it ships now: the address may have changed since the workflow started. */
export function currentOrder(ctx: FlowContext): Order {
  return { ...ctx.order, Address: ctx.state.address };
}

async function getItems(ctx: FlowContext): Promise<Item[]> {
  const { GetItems } = proxyLocalActivities<Activities>(activityOptions(ctx.pace));
  return GetItems(ctx.order);
}

// Progress moves as soon as each activity completes, before its timer (the contract, as Go's reference does):
// a getProgress query during the timer already sees it, and RecoverableFailure's bug, after the charge's
// timer, fails a later workflow task than the one that reached 75 %. A value in memory is no command, so
// histories recorded when progress moved after the timer replay unchanged.
async function checkFraud(ctx: FlowContext): Promise<void> {
  await ctx.activities.CheckFraud(ctx.order);
  ctx.state.progress = PROGRESS.fraudChecked;
  await sleep(scaled(1_000, ctx.pace));
}

async function prepareShipment(ctx: FlowContext, saga: Compensations): Promise<void> {
  saga.add(ACTIVITY.undoPrepareShipment, () => ctx.activities.UndoPrepareShipment(currentOrder(ctx)));
  await ctx.activities.PrepareShipment(ctx.order);
  ctx.state.progress = PROGRESS.shipmentPrepared;
  await sleep(scaled(1_000, ctx.pace));
}

async function chargeCustomer(ctx: FlowContext, saga: Compensations): Promise<void> {
  saga.add(ACTIVITY.undoChargeCustomer, () => ctx.activities.UndoChargeCustomer(currentOrder(ctx)));
  // The contract's second argument lets any implementation's ChargeCustomer pick its scenario behaviour.
  await ctx.activities.ChargeCustomer(ctx.order, workflowInfo().workflowType);
  ctx.state.progress = PROGRESS.charged;
  await sleep(scaled(3_000, ctx.pace));
}

/** Human-in-the-loop: give a person until the deadline to change the address, then ship either way. */
async function awaitAddressChange(ctx: FlowContext): Promise<void> {
  const { state, pace } = ctx;
  state.step = 'Awaiting Address';
  state.awaitingAddress = true;
  // Date.now() inside a workflow is the SDK's deterministic workflow clock, so this is replay-safe.
  state.addressDeadline = Date.now() + pace.humanWaitMs;
  const changed = await condition(() => state.addressChanged, pace.humanWaitMs);
  state.awaitingAddress = false;
  state.addressDeadline = null;
  log.info(changed ? 'Address changed by a person' : 'No address change before the deadline', { address: state.address });
}

/**
 * Once the items are on their way the order can no longer be cancelled: a cancel request from then on is
 * recorded in the history and ignored, and the order completes. Orders started before this rule (no
 * patch marker in their history) ship as they did, cancellable.
 */
async function ship(ctx: FlowContext, items: Item[], shipItems: ShipItems): Promise<void> {
  if (patched(SHIPPING_NOT_CANCELLABLE)) {
    ctx.state.cancellable = false;
    await CancellationScope.nonCancellable(() => shipItems(ctx, items));
  } else {
    await shipItems(ctx, items);
  }
}

async function shipWithActivities(ctx: FlowContext, items: Item[]): Promise<void> {
  const order = currentOrder(ctx);
  const ShipOrder = shipOrderActivity(ctx.pace, ctx.activities);
  await Promise.all(items.map((item) => ShipOrder({ Order: order, Item: item })));
}

/**
 * ShipOrder as this workflow schedules it: with a heartbeat timeout from this change on; orders (and
 * shipments) started before it, with no marker in their history, keep the options they were started with.
 */
export function shipOrderActivity(pace: Pace, activities: Activities): Activities['ShipOrder'] {
  return patched(SHIP_ORDER_HEARTBEAT) ? proxyActivities<Activities>(shipOrderOptions(pace)).ShipOrder : activities.ShipOrder;
}
