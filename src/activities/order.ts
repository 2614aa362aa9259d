/** The order activities: simulated calls to inventory, fraud, warehouse and payment systems. */
import { ApplicationFailure } from '@temporalio/activity';
import { API_FAILURE_MESSAGE, INVALID_CREDIT_CARD, orderWorkflowId, scenarioOf, type Item, type OrderInput } from '../temporal/contract.js';
import { callInfo, simulateCall } from './context.js';
import type { PaymentLedger } from './ledger.js';

/** The contract's items; the inventory system of this demo. */
export const ITEMS: readonly Item[] = [
  { id: 654321, description: 'Table Legs', quantity: 2 },
  { id: 654300, description: 'Table Top', quantity: 1 },
  { id: 654322, description: 'Keypad', quantity: 1 },
];

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

export async function prepareShipment(order: OrderInput): Promise<void> {
  await simulateCall(CALL_MS, order);
}

export async function undoPrepareShipment(order: OrderInput): Promise<void> {
  await simulateCall(CALL_MS, order);
}

/**
 * Contract: ChargeCustomer(input, workflowType). The workflow type picks the failure scenario; when a
 * caller omits it, the activity context knows which workflow scheduled it. With a ledger the payment
 * provider applies the charge (or records the decline) once per order, halfway through the call: a worker
 * killed after that point leaves a charge its workflow has not heard of, and the retry must not add one.
 */
export function createChargeCustomer(ledger?: PaymentLedger) {
  return async function chargeCustomer(order: OrderInput, workflowType?: string): Promise<void> {
    const info = callInfo();
    const scenario = scenarioOf(workflowType || info.workflowType || '');
    await simulateCall(CALL_MS / 2, order);
    if (scenario === 'APIFailure' && info.attempt < API_RECOVERS_ON_ATTEMPT) {
      // The provider was never reached: nothing is applied.
      throw ApplicationFailure.create({ type: 'APIUnavailable', message: API_FAILURE_MESSAGE, nonRetryable: false });
    }
    const decided = scenario === 'NonRecoverableFailure' ? 'declined' : 'captured';
    // A replay answers as the provider answered the first time.
    const outcome = (await ledger?.apply('charge', paymentKey(order), info.attempt, () => decided))?.entry.outcome ?? decided;
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

/** Refunds the order's charge at most once; with nothing captured (a declined card) the refund is a void. */
export function createUndoChargeCustomer(ledger?: PaymentLedger) {
  return async function undoChargeCustomer(order: OrderInput): Promise<void> {
    await simulateCall(CALL_MS / 2, order);
    await ledger?.apply('refund', paymentKey(order), callInfo().attempt, (earlier) =>
      earlier.some((e) => e.op === 'charge' && e.outcome === 'captured') ? 'refunded' : 'voided',
    );
    await simulateCall(CALL_MS / 2, order);
  };
}

/** The payment's idempotency key: one payment per order, whichever attempt or worker makes the call. */
export function paymentKey(order: Pick<OrderInput, 'OrderId'>): string {
  return orderWorkflowId(order.OrderId);
}
