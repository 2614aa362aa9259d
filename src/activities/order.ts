/** The order activities: simulated calls to inventory, fraud, warehouse and payment systems. */
import { ApplicationFailure } from '@temporalio/activity';
import { API_FAILURE_MESSAGE, INVALID_CREDIT_CARD, orderWorkflowId, scenarioOf, type Item, type OrderInput } from '../temporal/contract.js';
import { callInfo, simulateCall } from './context.js';
import type { Systems } from '../db/systems.js';
import { CATALOG, formatCents, ORDER_AMOUNT_CENTS } from '../warehouse/catalog.js';
import { isIdempotence, LOST_REPORT_ATTEMPT } from '../idempotence/api.js';
import { loseTheReport, type CrashWorker } from '../idempotence/crash.js';

/** The contract's items, as the warehouse's catalog lists them; the inventory system of this demo. */
export const ITEMS: readonly Item[] = CATALOG.map(({ id, description, perOrder }) => ({ id, description, quantity: perOrder }));

/** Designed duration of a simulated backend call, before TimeScale. */
export const CALL_MS = 200;
/** APIFailure: the payment API answers from this attempt on. */
export const API_RECOVERS_ON_ATTEMPT = 5;

export async function getItems(_order: OrderInput): Promise<Item[]> {
  return [...ITEMS].sort((a, b) => a.id - b.id);
}

export async function checkFraud(order: OrderInput): Promise<void> {
  await simulateCall(CALL_MS, order);
}

/** The order's run as the outside systems key it: its workflow id and run id (a reused OrderId is a new order). */
export function callerOf(order: Pick<OrderInput, 'OrderId'>): { workflowId: string; runId: string; attempt: number } {
  const info = callInfo();
  return { workflowId: info.workflowId ?? orderWorkflowId(order.OrderId), runId: info.runId ?? '', attempt: info.attempt };
}

const LINES = ITEMS.map((item) => ({ itemId: item.id, quantity: item.quantity }));

/** Reserves the order's items in the warehouse (once per order run), halfway through the call. */
export function createPrepareShipment(systems?: Systems) {
  return async function prepareShipment(order: OrderInput): Promise<void> {
    await simulateCall(CALL_MS / 2, order);
    await systems?.warehouse.reserve(callerOf(order), LINES);
    await simulateCall(CALL_MS / 2, order);
  };
}

/** Releases what PrepareShipment reserved (once; a release that comes first makes a late reserve a no-op). */
export function createUndoPrepareShipment(systems?: Systems) {
  return async function undoPrepareShipment(order: OrderInput): Promise<void> {
    await simulateCall(CALL_MS / 2, order);
    const caller = callerOf(order);
    await systems?.warehouse.release(caller, LINES.map((l) => l.itemId));
    // An order cancelled before its charge has no refund to announce: the customer hears of it here. After a
    // charge, UndoChargeCustomer (which runs first) has sent the message with the refund: one per run.
    await systems?.notifications.send(caller, 'cancellation', `Order ${order.OrderId} cancelled: nothing was charged.`);
    await simulateCall(CALL_MS / 2, order);
  };
}

/**
 * Contract: ChargeCustomer(input, workflowType). The workflow type picks the failure scenario; when a
 * caller omits it, the activity context knows which workflow scheduled it. The payment provider applies the
 * charge (or records the decline) once per order run, halfway through the call: a worker killed after that
 * point leaves a charge its workflow has not heard of, and the retry gets the provider's first answer back.
 * The customer's confirmation goes out once the charge is captured (once per run too).
 * The idempotence extension (OrderIdempotenceWorkflow) makes that happen on purpose: its attempt 1 loses its
 * report right after the charge (`crashWorker`: the worker dies; without it the attempt fails retryably).
 */
export function createChargeCustomer(systems?: Systems, crashWorker?: CrashWorker) {
  return async function chargeCustomer(order: OrderInput, workflowType?: string): Promise<void> {
    const info = callInfo();
    const type = workflowType || info.workflowType || '';
    const scenario = scenarioOf(type);
    await simulateCall(CALL_MS / 2, order);
    if (scenario === 'APIFailure' && info.attempt < API_RECOVERS_ON_ATTEMPT) {
      // The provider was never reached: nothing is applied.
      throw ApplicationFailure.create({ type: 'APIUnavailable', message: API_FAILURE_MESSAGE, nonRetryable: false });
    }
    const decline = scenario === 'NonRecoverableFailure';
    const caller = callerOf(order);
    // A replay answers as the provider answered the first time.
    const outcome = systems ? (await systems.payments.charge(caller, ORDER_AMOUNT_CENTS, decline)).outcome : decline ? 'declined' : 'captured';
    if (isIdempotence(type) && info.attempt === LOST_REPORT_ATTEMPT) await loseTheReport(crashWorker, caller.workflowId);
    if (outcome === 'captured') {
      await systems?.notifications.send(caller, 'confirmation', `Order ${order.OrderId} confirmed: we charged ${formatCents(ORDER_AMOUNT_CENTS)}.`);
    }
    await simulateCall(CALL_MS / 2, order);
    if (outcome === 'declined') {
      throw ApplicationFailure.create({
        type: INVALID_CREDIT_CARD,
        message: 'Invalid credit card number: the payment was declined',
        nonRetryable: true,
      });
    }
  };
}

/** Refunds the order run's charge at most once (a void when nothing was captured) and tells the customer, once. */
export function createUndoChargeCustomer(systems?: Systems) {
  return async function undoChargeCustomer(order: OrderInput): Promise<void> {
    await simulateCall(CALL_MS / 2, order);
    if (systems) {
      const caller = callerOf(order);
      const refund = await systems.payments.refund(caller);
      const message =
        refund.outcome === 'refunded'
          ? `Order ${order.OrderId} cancelled: we refunded ${formatCents(refund.amountCents)}.`
          : `Order ${order.OrderId} cancelled: nothing was charged.`;
      await systems.notifications.send(caller, 'cancellation', message);
    }
    await simulateCall(CALL_MS / 2, order);
  };
}
