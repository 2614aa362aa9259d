/**
 * Fulfilment with couriers (this console's extension, not part of the wire contract): the workflow type,
 * its updates and query, the shapes they carry and the rules their validators apply. Workflow-safe (only
 * @temporalio/workflow): the workflow, the console and the tests import it, so no name is typed twice.
 *
 * Shipment states, per item: `waiting` (for a courier) → `dispatched` (a courier took it; the carrier call,
 * ShipOrder, runs) → `delivered`. Amendment states: `none` → `awaiting-confirmation` (the customer changed
 * quantities and must confirm before the deadline) → `confirmed`, or the deadline passes and the order is
 * cancelled automatically (its compensations run). Amend, confirm and cancel are open only until the first
 * dispatch; a courier cannot dispatch while an amendment waits for its confirmation.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Item } from '../temporal/contract.js';

/** Its own workflow type, never one of the contract's (contract.md "Our extensions"). */
export const FULFILMENT_WORKFLOW_TYPE = 'OrderFulfilmentWorkflow';

export type ShipmentStatus = 'waiting' | 'dispatched' | 'delivered';

export interface Shipment {
  item: Item;
  status: ShipmentStatus;
  /** Workflow time (epoch ms) of the dispatch and the delivery. */
  dispatchedAt: number | null;
  deliveredAt: number | null;
}

export interface QuantityChange {
  /** Item id, one of the order's. */
  id: number;
  /** New quantity, 1–99. */
  quantity: number;
}

export interface Amendment {
  changes: QuantityChange[];
  state: 'awaiting-confirmation' | 'confirmed';
  /** Workflow time (epoch ms) by which the customer must confirm; null once confirmed. */
  deadline: number | null;
}

export interface FulfilmentState {
  /** `preparing`: the shared flow has not reached the couriers yet (fraud check, preparation, charge). */
  phase: 'preparing' | 'awaiting-courier' | 'shipping' | 'delivered' | 'cancelled';
  shipments: Shipment[];
  /** The latest amendment, if any. */
  amendment: Amendment | null;
  /** Amend and cancel are open (the order is charged and no shipment left yet). */
  amendable: boolean;
  /** Set when the order was cancelled automatically: why, in a sentence. */
  cancelledBecause: string | null;
}

export interface ShipmentRef {
  itemId: number;
}

export interface AmendRequest {
  items: QuantityChange[];
}

export const dispatchShipmentUpdate = defineUpdate<Shipment, [ShipmentRef]>('DispatchShipment');
export const deliverShipmentUpdate = defineUpdate<Shipment, [ShipmentRef]>('DeliverShipment');
export const amendOrderUpdate = defineUpdate<Amendment, [AmendRequest]>('AmendOrder');
export const confirmAmendmentUpdate = defineUpdate<Amendment, []>('ConfirmAmendment');
export const getFulfilmentQuery = defineQuery<FulfilmentState>('getFulfilment');

/** Application failure types the workflow uses (validators' rejections, and the automatic cancellation). */
export const FULFILMENT_FAILURE = {
  rejected: 'FulfilmentUpdateRejected',
  notConfirmed: 'AmendmentNotConfirmed',
} as const;

export const MIN_QUANTITY = 1;
export const MAX_QUANTITY = 99;

/** Why an amendment cannot be taken as sent (shape and values), or undefined; the state rules come after. */
export function amendmentProblem(request: AmendRequest | undefined, items: readonly Item[]): string | undefined {
  const changes = request?.items;
  if (!Array.isArray(changes) || changes.length === 0) return 'An amendment names at least one item and its new quantity';
  const seen = new Set<number>();
  for (const change of changes) {
    const item = items.find((i) => i.id === change?.id);
    if (!item) return `Item ${String(change?.id)} is not in this order`;
    if (seen.has(item.id)) return `Item ${item.id} is named twice`;
    seen.add(item.id);
    const q = change.quantity;
    if (!Number.isInteger(q) || q < MIN_QUANTITY || q > MAX_QUANTITY) return `The quantity of ${item.description} must be a whole number from ${MIN_QUANTITY} to ${MAX_QUANTITY}`;
  }
  if (changes.every((c) => items.find((i) => i.id === c.id)?.quantity === c.quantity)) return 'Those are the quantities already ordered: nothing to amend';
  return undefined;
}

/** A shipment's state in words, for the pages. */
export const SHIPMENT_WORDS: Record<ShipmentStatus, string> = {
  waiting: 'Waiting for a courier',
  dispatched: 'On its way',
  delivered: 'Delivered',
};
