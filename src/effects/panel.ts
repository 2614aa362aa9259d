/**
 * The Effects panel of an order page: what the payment provider, the warehouse and the notification
 * service recorded for this order run, next to how often Temporal ran the activities that caused it.
 * Read per order run with a short memo, so a room full of viewers costs the database one read per change.
 */
import type { Logger } from '../logger.js';
import type { Systems } from '../db/systems.js';
import { ACTIVITY } from '../temporal/contract.js';
import { formatCents } from '../warehouse/catalog.js';
import type { OrderView } from '../web/orders/view.js';
import { readOrderEffects, type OrderEffects } from './order-effects.js';

export interface EffectLine {
  /** Stable id for tests and CSS. */
  key: string;
  label: string;
  text: string;
  tone: 'done' | 'pending' | 'undone' | 'neutral';
}

export interface EffectsPanel {
  /** False without a database (DATABASE_URL unset and no `npm start`): the panel says so. */
  connected: boolean;
  /** The database did not answer this time. */
  error: string | undefined;
  lines: EffectLine[];
}

export interface EffectsReader {
  panel(view: OrderView): Promise<EffectsPanel>;
}

/** Each step's and undo's state and attempt, and each shipment's: what moves when an activity runs. */
function activityStage(view: OrderView): string {
  const steps = [...view.steps, ...view.compensations].map((s) => `${s.key}:${s.state}:${s.attempt ?? ''}`);
  const shipments = view.fulfilment?.shipments.map((s) => s.status) ?? [];
  return [...steps, ...shipments].join(',');
}

/** Viewers of one order asking within this window, at the same stage, share one read. */
const MEMO_MS = 300;

export function createEffectsReader(systems: Systems | undefined, logger: Logger): EffectsReader {
  const memo = new Map<string, { at: number; read: Promise<OrderEffects> }>();
  return {
    async panel(view) {
      if (!systems) return { connected: false, error: undefined, lines: [] };
      // Effects change only inside activities, and every activity's start, retry and end is a new view: keyed
      // by where the activities stand, a view after the last effect never reuses a read from before it (an
      // ended order showing "reserved" for a shipped item, with no later change to correct it).
      const key = `${view.workflowId}/${view.runId}/${view.phase}/${activityStage(view)}`;
      const now = Date.now();
      let entry = memo.get(key);
      if (!entry || now - entry.at > MEMO_MS) {
        entry = { at: now, read: readOrderEffects(systems, view.workflowId, view.runId) };
        memo.set(key, entry);
        // Forget old entries: a busy console follows many orders over a demo.
        for (const [k, e] of memo) if (now - e.at > 10 * MEMO_MS) memo.delete(k);
      }
      try {
        return { connected: true, error: undefined, lines: effectLines(await entry.read, view) };
      } catch (err) {
        memo.delete(key);
        logger.warn('Effects could not be read', { workflowId: view.workflowId, error: (err as Error).message });
        return { connected: true, error: 'The database did not answer; the panel fills in again with the next change.', lines: [] };
      }
    },
  };
}

const times = (n: number): string => (n === 1 ? 'once' : n === 2 ? 'twice' : `${n} times`);

/** The panel's lines, in the order the effects happen: stock, payment, shipment, messages. */
export function effectLines(e: OrderEffects, view: OrderView): EffectLine[] {
  const lines: EffectLine[] = [];
  const stepAttempt = (type: string) => view.steps.find((s) => s.key === type)?.attempt ?? view.compensations.find((s) => s.key === type)?.attempt;

  const reserved = e.reservations.filter((r) => r.quantity > 0);
  if (reserved.length) {
    for (const r of reserved) {
      const shipped = e.shipments.some((s) => s.itemId === r.itemId);
      const state = r.state === 'shipped' || shipped ? 'shipped' : r.state;
      const text = { reserved: 'reserved', shipped: 'reserved, then shipped', released: 'reserved, then released' }[state];
      lines.push({ key: `stock-${r.itemId}`, label: `${r.description} ×${r.quantity}`, text, tone: state === 'released' ? 'undone' : state === 'shipped' ? 'done' : 'pending' });
    }
  } else {
    lines.push({ key: 'stock', label: 'Warehouse', text: 'nothing reserved yet', tone: 'neutral' });
  }

  const charge = e.charges[0];
  const runs = stepAttempt(ACTIVITY.chargeCustomer);
  const ran = runs ? ` — ChargeCustomer ran ${times(runs)}` : '';
  if (!charge) {
    const never = runs ? ` — ChargeCustomer ran ${times(runs)}, the payment provider was not reached` : view.terminal ? '' : ' yet';
    lines.push({ key: 'charge', label: 'Payment', text: `not charged${never}`, tone: 'neutral' });
  } else {
    const recorded = e.charges.length > 1 ? ` (recorded ${times(e.charges.length)}!)` : '';
    const text = charge.outcome === 'captured' ? `Charged ${formatCents(charge.amountCents)} once${recorded}${ran}` : `Card declined, nothing charged${recorded}${ran}`;
    lines.push({ key: 'charge', label: 'Payment', text, tone: charge.outcome === 'captured' ? 'done' : 'undone' });
    const replays = e.chargeRequests.replayed;
    if (replays > 0) {
      lines.push({
        key: 'charge-replays',
        label: 'Idempotency key',
        text: `the provider answered ${times(replays)} from its record of the first charge, and charged nothing more`,
        tone: 'neutral',
      });
    }
  }
  const refund = e.refunds[0];
  if (refund) {
    lines.push({
      key: 'refund',
      label: 'Refund',
      text: refund.outcome === 'refunded' ? `Refunded ${formatCents(refund.amountCents)} once` : 'Nothing to refund (voided)',
      tone: 'undone',
    });
  }
  for (const n of e.notifications) {
    lines.push({ key: `message-${n.kind}`, label: n.kind === 'confirmation' ? 'Confirmation sent' : 'Cancellation sent', text: n.message, tone: n.kind === 'confirmation' ? 'done' : 'undone' });
  }
  return lines;
}
