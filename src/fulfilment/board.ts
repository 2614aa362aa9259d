/**
 * The courier board: every running fulfilment order's shipments, live, for the Courier page. It follows
 * each order through the progress hub (one history long poll per order, shared with the order pages), so
 * its cost grows with the orders, never with the couriers watching. New orders are found by one visibility
 * list every `discoverMs` while anyone watches, and at once when this console starts one (track()).
 *
 * State: `entries` (order id → its latest view and the hub subscription), `listeners` (the open Courier
 * pages), `timer` (the discovery loop, running only while there are listeners). An order leaves the board
 * when its view is terminal or the hub says it does not exist; the last listener leaving unsubscribes all.
 */
import type { Logger } from '../logger.js';
import type { ProgressHub, HubMessage } from '../web/sse/hub.js';
import type { OrderView } from '../web/orders/view.js';
import { courierOrder, type CourierOrder } from './view.js';

export interface BoardSnapshot {
  orders: CourierOrder[];
  /** Why the list may be incomplete (Temporal did not answer the last discovery). */
  problem: string | undefined;
}

export type BoardListener = (snapshot: BoardSnapshot) => void;

export interface CourierBoardDeps {
  hub: Pick<ProgressHub, 'subscribe' | 'current'>;
  listRunning: () => Promise<string[]>;
  logger: Logger;
  /** How often the list of running fulfilment orders is read while someone watches; default 5 s. */
  discoverMs?: number;
}

interface Entry {
  view: OrderView | undefined;
  unsubscribe: () => void;
}

export class CourierBoard {
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Set<BoardListener>();
  #timer: NodeJS.Timeout | undefined;
  #problem: string | undefined;
  /** Orders seen ending: visibility may list them as running for a moment longer. */
  readonly #ended = new Set<string>();

  constructor(private readonly deps: CourierBoardDeps) {}

  /** Starts watching (the first listener starts the discovery); the listener gets the board at once. */
  subscribe(listener: BoardListener): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) {
      void this.#discover();
      this.#timer = setInterval(() => void this.#discover(), this.deps.discoverMs ?? 5000);
      this.#timer.unref();
    } else listener(this.snapshot());
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size > 0) return;
      clearInterval(this.#timer);
      this.#timer = undefined;
      for (const entry of this.#entries.values()) entry.unsubscribe();
      this.#entries.clear();
    };
  }

  /** This console just started a fulfilment order: on the board now, without waiting for the next discovery. */
  track(orderId: string): void {
    if (this.#listeners.size > 0) this.#follow(orderId);
  }

  /** The board as it is (while watched). */
  snapshot(): BoardSnapshot {
    const orders = [...this.#entries.entries()]
      .flatMap(([orderId, e]) => (e.view?.fulfilment && !e.view.terminal ? [courierOrder(orderId, e.view.address, e.view.fulfilment)] : []))
      .sort((a, b) => a.orderId.localeCompare(b.orderId));
    return { orders, problem: this.#problem };
  }

  /** The board for a first page render: one discovery and each order's current state (shared reads). */
  async read(): Promise<BoardSnapshot> {
    if (this.#listeners.size > 0) return this.snapshot();
    const ids = await this.deps.listRunning();
    const messages = await Promise.all(ids.map((id) => this.deps.hub.current(id).catch(() => undefined)));
    const orders = messages.flatMap((m, i) =>
      m?.kind === 'view' && m.view.fulfilment && !m.view.terminal ? [courierOrder(ids[i]!, m.view.address, m.view.fulfilment)] : [],
    );
    return { orders: orders.sort((a, b) => a.orderId.localeCompare(b.orderId)), problem: undefined };
  }

  async #discover(): Promise<void> {
    try {
      const ids = await this.deps.listRunning();
      const before = this.#problem;
      this.#problem = undefined;
      for (const id of ids) this.#follow(id);
      if (before) this.#notify();
      // Nothing new and nothing followed: the first page still needs its (empty) board.
      if (ids.length === 0) this.#notify();
    } catch (err) {
      this.deps.logger.warn('Courier board: listing fulfilment orders failed', { error: err as Error });
      this.#problem = 'Temporal did not answer: new orders may be missing from this list.';
      this.#notify();
    }
  }

  #follow(orderId: string): void {
    if (this.#entries.has(orderId) || this.#ended.has(orderId) || this.#listeners.size === 0) return;
    const entry: Entry = { view: undefined, unsubscribe: () => undefined };
    this.#entries.set(orderId, entry);
    entry.unsubscribe = this.deps.hub.subscribe(orderId, (message) => this.#onMessage(orderId, entry, message));
  }

  #onMessage(orderId: string, entry: Entry, message: HubMessage): void {
    if (this.#entries.get(orderId) !== entry) return;
    if (message.kind === 'not-found' || message.view.terminal) {
      // Unsubscribing inside the hub's own callback: after it has returned.
      queueMicrotask(() => entry.unsubscribe());
      this.#entries.delete(orderId);
      this.#ended.add(orderId);
      if (this.#ended.size > 1000) this.#ended.delete(this.#ended.values().next().value as string);
    } else entry.view = message.view;
    this.#notify();
  }

  #notify(): void {
    const snapshot = this.snapshot();
    for (const listener of [...this.#listeners]) listener(snapshot);
  }
}
