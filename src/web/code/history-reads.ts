/**
 * The event history panel's reads. An order the progress hub follows costs nothing: its follower holds
 * the history already (`followed`). Otherwise one read per order per refresh, shared by every browser
 * showing it (src/web/shared-read.ts), and a closed order's history, which cannot change, is kept
 * instead of read again. Orders nobody asked about for a while are forgotten.
 */
import type { HistoryEvent, OrderConsoleClient } from '../../temporal/client.js';
import { sharedRead } from '../shared-read.js';
import type { SharedRead } from '../shared-read.js';
import { summarizeHistory } from './event-history.js';
import type { HistorySummary } from './event-history.js';

export interface HistoryReads {
  get(orderId: string): Promise<HistorySummary>;
}

/** Just under the region's 1 s refresh, so each refresh of a room of viewers costs one read. */
const FRESH_MS = 900;
const FORGET_AFTER_MS = 60_000;
const MAX_ORDERS = 500;

export function createHistoryReads(
  client: Pick<OrderConsoleClient, 'fetchHistory'>,
  followed: (orderId: string) => readonly HistoryEvent[] | undefined = () => undefined,
  now: () => number = Date.now,
): HistoryReads {
  const entries = new Map<string, { read: SharedRead<HistorySummary>; closed?: HistorySummary; usedAt: number }>();
  // The follower appends to one array: its length says whether the summary is still current.
  const summaries = new WeakMap<readonly HistoryEvent[], { length: number; summary: HistorySummary }>();

  function summaryOf(events: readonly HistoryEvent[]): HistorySummary {
    const known = summaries.get(events);
    if (known?.length === events.length) return known.summary;
    const summary = summarizeHistory([...events]);
    summaries.set(events, { length: events.length, summary });
    return summary;
  }

  function forgetOld(at: number): void {
    for (const [orderId, entry] of entries) {
      if (at - entry.usedAt > FORGET_AFTER_MS || entries.size > MAX_ORDERS) entries.delete(orderId);
    }
  }

  return {
    async get(orderId) {
      const events = followed(orderId);
      if (events) return summaryOf(events);
      const at = now();
      let entry = entries.get(orderId);
      if (!entry) {
        forgetOld(at);
        entry = { read: sharedRead(async () => summarizeHistory(await client.fetchHistory(orderId)), FRESH_MS, now), usedAt: at };
        entries.set(orderId, entry);
      }
      entry.usedAt = at;
      if (entry.closed) return entry.closed;
      const summary = await entry.read.get();
      if (summary.closed) entry.closed = summary;
      return summary;
    },
  };
}
