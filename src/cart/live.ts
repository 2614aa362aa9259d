/**
 * The Shop page's live cart: one follower per cart, however many browsers watch it (the order pages'
 * pattern, src/web/sse/hub.ts). A follower long-polls the current run's history and asks the workflow
 * (getCart) only after a workflow task completed, so a room of viewers costs Temporal one open call and
 * one query per change; a viewer costs nothing.
 *
 * State of a follower: `runId` (the run it watches) and `token` (where its long poll resumes). A
 * continued-as-new event moves it to the new run (fresh token); any other close ends the run and it
 * looks again; a cart that does not exist yet is published as `none`, and the follower sleeps until
 * `nudge()` (the console's own add, which may have created the cart) or `recheckMs` pass.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import proto from '@temporalio/proto';
import type { Logger } from '../logger.js';
import type { CartView } from './api.js';
import type { CartClient } from './client.js';

export type CartMessage = { kind: 'cart'; cart: CartView } | { kind: 'none' };
export type CartListener = (message: CartMessage) => void;

const { EventType } = proto.temporal.api.enums.v1;
const TASK_COMPLETED = EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
const CONTINUED = EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW;

interface Entry {
  listeners: Set<CartListener>;
  last: CartMessage | undefined;
  lastJson: string;
  controller: AbortController;
  wake: (() => void) | undefined;
}

export interface CartHubOptions {
  carts: Pick<CartClient, 'get' | 'currentRun' | 'watchHistory'>;
  logger: Logger;
  /** How long a follower waits before looking again for a cart that does not exist, or after a failure. */
  recheckMs?: number;
}

export class CartHub {
  readonly #entries = new Map<string, Entry>();
  readonly #firstReads = new Map<string, Promise<CartMessage>>();

  constructor(private readonly options: CartHubOptions) {}

  subscribe(customerId: string, listener: CartListener): () => void {
    let entry = this.#entries.get(customerId);
    if (!entry) {
      entry = { listeners: new Set(), last: undefined, lastJson: '', controller: new AbortController(), wake: undefined };
      this.#entries.set(customerId, entry);
      const current = entry;
      this.#follow(customerId, current).catch((err: unknown) => this.options.logger.error('Cart follower failed', { customerId, error: err as Error }));
    }
    entry.listeners.add(listener);
    if (entry.last) listener(entry.last);
    const current = entry;
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0) {
        current.controller.abort();
        current.wake?.();
        if (this.#entries.get(customerId) === current) this.#entries.delete(customerId);
      }
    };
  }

  /** The cart for a first page render: the follower's latest when one runs, else one query shared by concurrent renders. */
  async current(customerId: string): Promise<CartMessage> {
    const last = this.#entries.get(customerId)?.last;
    if (last) return last;
    let read = this.#firstReads.get(customerId);
    if (!read) {
      read = this.options.carts
        .get(customerId)
        .then((cart): CartMessage => (cart ? { kind: 'cart', cart } : { kind: 'none' }))
        .finally(() => this.#firstReads.delete(customerId));
      this.#firstReads.set(customerId, read);
    }
    return read;
  }

  /** A change the console made itself: a follower waiting for the cart to exist looks now. */
  nudge(customerId: string): void {
    this.#entries.get(customerId)?.wake?.();
  }

  subscribers(customerId: string): number {
    return this.#entries.get(customerId)?.listeners.size ?? 0;
  }

  close(): void {
    for (const entry of this.#entries.values()) {
      entry.controller.abort();
      entry.wake?.();
    }
    this.#entries.clear();
  }

  #publish(entry: Entry, message: CartMessage): void {
    const json = JSON.stringify(message);
    if (json === entry.lastJson || entry.controller.signal.aborted) return;
    entry.last = message;
    entry.lastJson = json;
    for (const listener of [...entry.listeners]) listener(message);
  }

  async #pause(entry: Entry, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      entry.wake = resolve;
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    entry.wake = undefined;
  }

  async #follow(customerId: string, entry: Entry): Promise<void> {
    const { carts, logger } = this.options;
    const recheckMs = this.options.recheckMs ?? 2000;
    const signal = entry.controller.signal;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const run = await carts.currentRun(customerId);
        if (!run) {
          this.#publish(entry, { kind: 'none' });
          await this.#pause(entry, recheckMs * 5);
          continue;
        }
        await this.#followRun(customerId, run.runId, run.status === 'RUNNING', entry);
        failures = 0;
        // A run that closed other than by continuing as new (terminated): look again after a moment.
        if (run.status !== 'RUNNING') await this.#pause(entry, recheckMs * 5);
      } catch (err) {
        if (signal.aborted) return;
        if (failures++ === 0) logger.warn('Cart read failed', { customerId, error: err as Error });
        await sleep(Math.min(10_000, recheckMs * 2 ** failures), undefined, { signal }).catch(() => undefined);
      }
    }
  }

  /** Publishes the cart now and after each workflow task, until the run closes or the viewers leave. */
  async #followRun(customerId: string, runId: string, running: boolean, entry: Entry): Promise<void> {
    const { carts } = this.options;
    const signal = entry.controller.signal;
    const show = async () => {
      const cart = await carts.get(customerId);
      this.#publish(entry, cart ? { kind: 'cart', cart } : { kind: 'none' });
    };
    await show();
    if (!running) return;
    let token: Uint8Array | undefined;
    while (!signal.aborted) {
      const page = await carts.watchHistory(customerId, runId, token, signal);
      token = page.nextPageToken;
      const types = page.events.map((e) => e.eventType);
      // The query after the run continued as new is answered by the new run: its first task has the carried state.
      if (types.includes(TASK_COMPLETED) || types.includes(CONTINUED)) await show();
      if (!token) return;
    }
  }
}
