/**
 * One follower per order, however many browsers watch it: a room full of laptops on the same order page
 * costs the Temporal server what one costs (see src/web/orders/follower.ts for what a follower calls).
 * Subscribers are ref-counted per order; the follower is aborted when the last one leaves, and ends by
 * itself when the order reaches a terminal state (after telling everyone).
 */
import type { Logger } from '../../logger.js';
import type { HistoryEvent } from '../../temporal/client.js';
import { orderWorkflowId } from '../../temporal/contract.js';
import type { FollowEnd, FollowMessage } from '../orders/follower.js';
import { newMemo } from '../orders/reader.js';
import type { OrderReader } from '../orders/reader.js';
import type { OrderView } from '../orders/view.js';

export type HubMessage = { kind: 'view'; view: OrderView } | { kind: 'not-found' };
export type HubListener = (message: HubMessage) => void;
/** Follows an order until it ends or `signal` aborts, publishing each new state (followOrder in production). */
export type Follow = (orderId: string, publish: (message: FollowMessage) => void, signal: AbortSignal) => Promise<FollowEnd>;

export interface ProgressHubOptions {
  follow: Follow;
  /** One-off reads for pages of orders nobody follows right now. */
  reader: OrderReader;
  logger: Logger;
  /** Called once per workflow run, the first time the hub sees it closed (orders_finished_total). */
  onFinished?: (view: OrderView) => void;
}

interface Entry {
  listeners: Set<HubListener>;
  last: HubMessage | undefined;
  lastJson: string;
  events: readonly HistoryEvent[] | undefined;
  controller: AbortController;
}

const FINISHED_MEMORY = 10_000;
/** A follower that failed unexpectedly is started again after this long, while someone watches. */
const RESTART_MS = 1000;

export class ProgressHub {
  readonly #entries = new Map<string, Entry>();
  readonly #firstReads = new Map<string, Promise<HubMessage>>();
  readonly #finished = new Set<string>();

  constructor(private readonly options: ProgressHubOptions) {}

  /** Starts (or joins) the follower of an order; the listener gets the latest state at once if there is one. */
  subscribe(orderId: string, listener: HubListener): () => void {
    const key = orderWorkflowId(orderId);
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = { listeners: new Set(), last: undefined, lastJson: '', events: undefined, controller: new AbortController() };
      this.#entries.set(key, entry);
      this.#start(key, orderId, entry);
    }
    entry.listeners.add(listener);
    if (entry.last) listener(entry.last);
    const current = entry;
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0) this.#stop(key, current);
    };
  }

  /** The order's state for a first page render: the follower's latest if one runs, else one shared read. */
  async current(orderId: string): Promise<HubMessage> {
    const key = orderWorkflowId(orderId);
    const last = this.#entries.get(key)?.last;
    if (last) return last;
    let read = this.#firstReads.get(key);
    if (!read) {
      read = this.#read(orderId).finally(() => this.#firstReads.delete(key));
      this.#firstReads.set(key, read);
    }
    return read;
  }

  /** The history a follower holds for an order (no call), or undefined when none follows it. */
  events(orderId: string): readonly HistoryEvent[] | undefined {
    return this.#entries.get(orderWorkflowId(orderId))?.events;
  }

  /** How many subscribers watch an order (tests and diagnostics). */
  subscribers(orderId: string): number {
    return this.#entries.get(orderWorkflowId(orderId))?.listeners.size ?? 0;
  }

  /** Orders being followed right now. */
  following(): number {
    return this.#entries.size;
  }

  close(): void {
    for (const [key, entry] of this.#entries) this.#stop(key, entry);
  }

  #start(key: string, orderId: string, entry: Entry): void {
    const publish = (message: FollowMessage): void => this.#publish(entry, message);
    this.options
      .follow(orderId, publish, entry.controller.signal)
      .then((end) => {
        // A new run of the same order id (a reset): follow that one for the same subscribers.
        if (end === 'new-run' && !entry.controller.signal.aborted) return this.#start(key, orderId, entry);
        this.#stop(key, entry);
      })
      .catch((err: unknown) => {
        this.options.logger.error('Order follower failed', { orderId, error: err as Error });
        if (entry.controller.signal.aborted) return;
        setTimeout(() => entry.controller.signal.aborted || this.#start(key, orderId, entry), RESTART_MS).unref();
      });
  }

  #publish(entry: Entry, message: FollowMessage): void {
    if (entry.controller.signal.aborted) return;
    const hubMessage: HubMessage = message.kind === 'view' ? { kind: 'view', view: message.view } : message;
    if (message.kind === 'view') {
      entry.events = message.events;
      this.#noteFinished(message.view);
    }
    const json = JSON.stringify(hubMessage);
    if (json === entry.lastJson) return;
    entry.last = hubMessage;
    entry.lastJson = json;
    for (const listener of [...entry.listeners]) listener(hubMessage);
  }

  async #read(orderId: string): Promise<HubMessage> {
    const view = await this.options.reader.read(orderId, newMemo());
    if (!view) return { kind: 'not-found' };
    this.#noteFinished(view);
    return { kind: 'view', view };
  }

  #noteFinished(view: OrderView): void {
    if (!view.terminal || this.#finished.has(view.runId)) return;
    this.#finished.add(view.runId);
    if (this.#finished.size > FINISHED_MEMORY) this.#finished.delete(this.#finished.values().next().value as string);
    this.options.onFinished?.(view);
  }

  #stop(key: string, entry: Entry): void {
    entry.controller.abort();
    if (this.#entries.get(key) === entry) this.#entries.delete(key);
  }
}
