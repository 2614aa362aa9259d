/**
 * What the outside world saw of one order run, read from the systems' own tables: its payments, the
 * requests the provider answered, its reservations and shipments, its messages. Temporal stays the source
 * of truth for the order itself; this is the other side of its activities, for the console's Effects panel
 * and the drills' count of missing and doubled effects.
 */
import type { Systems } from '../db/systems.js';
import type { Payment } from '../payments/provider.js';
import type { Reservation, Shipment } from '../warehouse/warehouse.js';
import type { Notification } from '../notifications/notifier.js';

export interface OrderEffects {
  charges: Payment[];
  refunds: Payment[];
  /** Requests ChargeCustomer made of the provider (every attempt that reached it) and how many got the key's answer. */
  chargeRequests: { total: number; replayed: number };
  reservations: Reservation[];
  /** Shipments of the order's items (keyed by the shipping activity's run, so every run of the order id). */
  shipments: Shipment[];
  notifications: Notification[];
}

/** The effects of `workflowId`'s run `runId` (all its runs when undefined). */
export async function readOrderEffects(systems: Systems, workflowId: string, runId?: string): Promise<OrderEffects> {
  const [payments, reservations, shipments, notifications] = await Promise.all([
    systems.payments.paymentsOf(workflowId, runId),
    systems.warehouse.reservationsOf(workflowId),
    systems.warehouse.shipmentsOf(workflowId),
    systems.notifications.sentTo(workflowId),
  ]);
  const ofRun = <T extends { runId: string }>(rows: T[]): T[] => (runId ? rows.filter((r) => r.runId === runId) : rows);
  const chargeRequests = runId ? await systems.payments.requestsOf(workflowId, runId, 'charge') : { total: 0, replayed: 0 };
  return {
    charges: payments.filter((p) => p.kind === 'charge' && (!runId || p.runId === runId)),
    refunds: payments.filter((p) => p.kind === 'refund' && (!runId || p.runId === runId)),
    chargeRequests,
    reservations: ofRun(reservations),
    shipments,
    notifications: ofRun(notifications),
  };
}
