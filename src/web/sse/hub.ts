/**
 * One poller per order, however many browsers watch it: a room full of laptops on the same order page
 * costs the Temporal server the same as one. Subscribers are ref-counted per workflow; the poll stops
 * when the last one leaves or when the order reaches a terminal state (after telling everyone).
 */
import type { Logger } from '../../logger.js';
import { orderWorkflowId } from '../../temporal/contract.js';
import { newMemo } from '../orders/reader.js';
import type { OrderReader, ReadMemo } from '../orders/reader.js';
import type { OrderView } from '../orders/view.js';

export type HubMessage = { kind: 'view'; view: OrderView } | { kind: 'not-found' };
export type HubListener = (message: HubMessage) => void;

export interface ProgressHubOptions {
  reader: OrderReader;
  logger: Logger;
  /** Time between two polls of one order. */
  intervalMs?: number;
  /** Called once per workflow run, the first time the hub sees it closed (orders_finished_total). */
  onFinished?: (view: OrderView) => void;
}

interface Entry {
  orderId: string;
  listeners: Set<HubListener>;
  memo: ReadMemo;
  last: HubMessage | undefined;
  lastJson: string;
  timer: NodeJS.Timeout | undefined;
  failures: number;
  stopped: boolean;
}

const MAX_BACKOFF_MS = 5000;
const FINISHED_MEMORY = 10_000;

export class ProgressHub {
  readonly #entries = new Map<string, Entry>();
  readonly #firstReads = new Map<string, Promise<HubMessage>>();
  readonly #finished = new Set<string>();
  readonly #interval: number;

  constructor(private readonly options: ProgressHubOptions) {
    this.#interval = options.intervalMs ?? 200;
  }

  /** Starts (or joins) the poll of an order; the listener gets the latest state at once if there is one. */
  subscribe(orderId: string, listener: HubListener): () => void {
    const key = orderWorkflowId(orderId);
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { orderId, listeners: new Set(), memo: newMemo(), last: undefined, lastJson: '', timer: undefined, failures: 0, stopped: false };
      this.#entries.set(key, entry);
      this.#schedule(entry, 0);
    }
    entry.listeners.add(listener);
    if (entry.last) listener(entry.last);
    const current = entry;
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0) this.#stop(key, current);
    };
  }

  /** The order's state for a first page render: the poller's latest if one runs, else one shared read. */
  async current(orderId: string): Promise<HubMessage> {
    const key = orderWorkflowId(orderId);
    const last = this.#entries.get(key)?.last;
    if (last) return last;
    let read = this.#firstReads.get(key);
    if (!read) {
      read = this.#read(orderId, newMemo()).finally(() => this.#firstReads.delete(key));
      this.#firstReads.set(key, read);
    }
    return read;
  }

  /** How many subscribers watch an order (tests and diagnostics). */
  subscribers(orderId: string): number {
    return this.#entries.get(orderWorkflowId(orderId))?.listeners.size ?? 0;
  }

  /** Orders being polled right now. */
  polling(): number {
    return this.#entries.size;
  }

  close(): void {
    for (const [key, entry] of this.#entries) this.#stop(key, entry);
  }

  async #read(orderId: string, memo: ReadMemo): Promise<HubMessage> {
    const view = await this.options.reader.read(orderId, memo);
    if (!view) return { kind: 'not-found' };
    if (view.terminal && !this.#finished.has(view.runId)) {
      this.#finished.add(view.runId);
      if (this.#finished.size > FINISHED_MEMORY) this.#finished.delete(this.#finished.values().next().value as string);
      this.options.onFinished?.(view);
    }
    return { kind: 'view', view };
  }

  async #poll(entry: Entry): Promise<void> {
    entry.timer = undefined;
    try {
      const message = await this.#read(entry.orderId, entry.memo);
      entry.failures = 0;
      if (entry.stopped) return;
      const json = JSON.stringify(message);
      if (json !== entry.lastJson) {
        entry.last = message;
        entry.lastJson = json;
        for (const listener of [...entry.listeners]) listener(message);
      }
      // Nothing more will change: subscribers end their streams; later ones get a one-off read.
      if (message.kind === 'not-found' || message.view.terminal) return this.#stop(orderWorkflowId(entry.orderId), entry);
    } catch (err) {
      entry.failures++;
      // The banner tells the room the server is down; the log says it once, not every poll.
      if (entry.failures === 1) this.options.logger.warn('Order poll failed', { orderId: entry.orderId, error: err as Error });
    }
    if (!entry.stopped) this.#schedule(entry, Math.min(MAX_BACKOFF_MS, this.#interval * 2 ** entry.failures));
  }

  #schedule(entry: Entry, delayMs: number): void {
    entry.timer = setTimeout(() => void this.#poll(entry), delayMs);
    entry.timer.unref();
  }

  #stop(key: string, entry: Entry): void {
    entry.stopped = true;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    if (this.#entries.get(key) === entry) this.#entries.delete(key);
  }
}
