/** The drills' count of effects against each scenario: what "0 missing, 0 doubled" rests on. */
import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { countEffects, type DrillOrder } from '../../scripts/lib/drill-orders.js';
import type { OrderEffects } from '../../src/effects/order-effects.js';
import type { Scenario } from '../../src/temporal/contract.js';

const ITEMS = [654300, 654321, 654322];
const at = new Date(0);
const order = (scenario: Scenario): DrillOrder => ({ orderId: '1', scenario, address: 'x', handle: undefined as unknown as WorkflowHandle });
const payment = (kind: 'charge' | 'refund', outcome: 'captured' | 'declined' | 'refunded' | 'voided') => ({ runId: 'r', kind, outcome, amountCents: 0, attempt: 1, createdAt: at });
const reservation = (itemId: number, state: 'reserved' | 'released' | 'shipped') => ({ workflowId: 'w', runId: 'r', itemId, description: '', quantity: 1, state, reservedAt: at, settledAt: at });

function completed(): OrderEffects {
  return {
    charges: [payment('charge', 'captured')],
    refunds: [],
    chargeRequests: { total: 1, replayed: 0 },
    reservations: ITEMS.map((i) => reservation(i, 'shipped')),
    shipments: ITEMS.map((itemId) => ({ itemId, quantity: 1, key: `k${itemId}`, movedAt: at })),
    notifications: [{ runId: 'r', kind: 'confirmation', message: '', sentAt: at }],
  };
}

describe('countEffects', () => {
  it('passes a completed order with each effect once, and a declined one voided and released', () => {
    expect(countEffects(order('HappyPath'), completed())).toEqual({ problem: undefined, doubled: 0 });
    const declined: OrderEffects = {
      charges: [payment('charge', 'declined')],
      refunds: [payment('refund', 'voided')],
      chargeRequests: { total: 1, replayed: 0 },
      reservations: ITEMS.map((i) => reservation(i, 'released')),
      shipments: [],
      notifications: [{ runId: 'r', kind: 'cancellation', message: '', sentAt: at }],
    };
    expect(countEffects(order('NonRecoverableFailure'), declined)).toEqual({ problem: undefined, doubled: 0 });
  });

  it('counts a charge or a shipment applied twice as doubled, and names it', () => {
    const e = completed();
    e.charges.push(payment('charge', 'captured'));
    e.shipments.push({ itemId: 654321, quantity: 2, key: 'again', movedAt: at });
    expect(countEffects(order('APIFailure'), e)).toEqual({ problem: 'effects: charge captured ×2, item 654321 shipment ×2', doubled: 2 });
  });

  it('names what is missing or unexpected', () => {
    const e = completed();
    e.notifications = [];
    e.refunds.push(payment('refund', 'refunded'));
    expect(countEffects(order('HappyPath'), e).problem).toBe('effects: message confirmation missing, unexpected refund refunded');
  });
});
