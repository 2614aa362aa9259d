/**
 * What the console shows of a fulfilment order: the worker's answer (getOrderState's `fulfilment`) while
 * it runs, else the history's accepted updates (a closed order answers no query, and a validator's
 * rejection never reaches the history, so what is there happened). Pure, for the pages and the board.
 */
import type { HistoryFacts } from '../web/orders/history.js';
import { ORDER_ITEMS } from '../web/orders/steps.js';
import type { OrderState } from '../workflows/extras.js';
import type { StatusPill } from '../web/orders/wording.js';
import {
  amendOrderUpdate,
  confirmAmendmentUpdate,
  deliverShipmentUpdate,
  dispatchShipmentUpdate,
  FULFILMENT_FAILURE,
  FULFILMENT_WORKFLOW_TYPE,
  type AmendRequest,
  type FulfilmentState,
  type Shipment,
  type ShipmentRef,
} from './api.js';

/** The title on the order page and the home card: this console's extension, said so. */
export const FULFILMENT_TITLE = 'Fulfilment with couriers';

/** The home page's extension card. */
export const FULFILMENT_CARD = {
  title: FULFILMENT_TITLE,
  watch: 'People in the loop: after the charge each item waits for a courier (Courier page) to dispatch, then deliver it; until the first dispatch the customer may amend (and must confirm in time) or cancel.',
  workflowType: FULFILMENT_WORKFLOW_TYPE,
} as const;

export function isFulfilment(workflowType: string): boolean {
  return workflowType === FULFILMENT_WORKFLOW_TYPE;
}

export function fulfilmentOf(workflowType: string, facts: HistoryFacts, live: { state?: OrderState }, running: boolean): FulfilmentState | undefined {
  if (!isFulfilment(workflowType)) return undefined;
  if (running && live.state?.fulfilment) return live.state.fulfilment;
  return fromHistory(facts, running);
}

function fromHistory(facts: HistoryFacts, running: boolean): FulfilmentState {
  const accepted = facts.updates.filter((u) => u.failure === undefined);
  const shipments: Shipment[] = ORDER_ITEMS.map((item) => ({ item: { ...item }, status: 'waiting', dispatchedAt: null, deliveredAt: null }));
  let amendment: FulfilmentState['amendment'] = null;
  for (const u of accepted) {
    const ref = u.args[0] as ShipmentRef | undefined;
    const s = shipments.find((x) => x.item.id === ref?.itemId);
    if (u.name === dispatchShipmentUpdate.name && s) s.status = 'dispatched';
    else if (u.name === deliverShipmentUpdate.name && s) s.status = 'delivered';
    else if (u.name === amendOrderUpdate.name) {
      const request = u.args[0] as AmendRequest | undefined;
      amendment = { changes: request?.items ?? [], state: 'awaiting-confirmation', deadline: null };
    } else if (u.name === confirmAmendmentUpdate.name && amendment) {
      amendment.state = 'confirmed';
      for (const c of amendment.changes) {
        const x = shipments.find((y) => y.item.id === c.id);
        if (x) x.item.quantity = c.quantity;
      }
    }
  }
  const started = shipments.some((s) => s.status !== 'waiting');
  const delivered = shipments.every((s) => s.status === 'delivered');
  const phase: FulfilmentState['phase'] =
    delivered ? 'delivered' : started ? 'shipping' : running ? 'preparing' : facts.close?.kind === 'completed' ? 'delivered' : 'cancelled';
  return { phase, shipments, amendment, amendable: false, cancelledBecause: null };
}

/** "What just happened" on a fulfilment order's outcome; undefined for any other order or ending. */
export function fulfilmentHappened(v: { workflowType: string; phase: string; failure?: { rootType: string | undefined } }): string | undefined {
  if (!isFulfilment(v.workflowType)) return undefined;
  if (v.phase === 'completed') {
    return 'Updates with validators: each dispatch and delivery was an update the workflow checked before accepting it, and the order waited for people for as long as they took, holding no worker.';
  }
  if (v.phase === 'failed' && v.failure?.rootType === FULFILMENT_FAILURE.notConfirmed) {
    return 'Durable timers and the saga: nobody confirmed the amended order in time, so its timer fired and the workflow refunded the charge and released the preparation by itself.';
  }
  return undefined;
}

/** The status pill of a running fulfilment order says who it waits for (the generic pill would say "Running"). */
export function fulfilmentPill(pill: StatusPill, f: FulfilmentState | undefined): StatusPill {
  if (!f || pill.kind !== 'running') return pill;
  if (f.phase === 'awaiting-courier') {
    return f.amendment?.state === 'awaiting-confirmation'
      ? { kind: 'waiting-for-you', label: 'Waiting for confirmation', tone: 'attention' }
      : { kind: 'waiting-for-you', label: 'Waiting for a courier', tone: 'attention' };
  }
  if (f.phase === 'shipping') return { ...pill, label: 'With the couriers' };
  return pill;
}

/** The board's one line per order: its shipments still to move, and whether couriers may take them now. */
export interface CourierOrder {
  orderId: string;
  address: string;
  phase: FulfilmentState['phase'];
  /** Couriers wait: the customer amended the order and has not confirmed yet. */
  awaitingConfirmation: boolean;
  shipments: Shipment[];
  delivered: number;
}

export function courierOrder(orderId: string, address: string, f: FulfilmentState): CourierOrder {
  return {
    orderId,
    address,
    phase: f.phase,
    awaitingConfirmation: f.amendment?.state === 'awaiting-confirmation',
    shipments: f.shipments,
    delivered: f.shipments.filter((s) => s.status === 'delivered').length,
  };
}
