/** The courier board with a stand-in hub: one hub subscription per order however many pages watch, and none left after. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logger.js';
import type { HubListener } from '../web/sse/hub.js';
import type { OrderView } from '../web/orders/view.js';
import type { FulfilmentState } from './api.js';
import { CourierBoard, type BoardSnapshot } from './board.js';

const fulfilment = (phase: FulfilmentState['phase']): FulfilmentState => ({
  phase,
  shipments: [{ item: { id: 654300, description: 'Table Top', quantity: 1 }, status: 'waiting', dispatchedAt: null, deliveredAt: null }],
  amendment: null,
  amendable: phase === 'awaiting-courier',
  cancelledBecause: null,
});
const view = (terminal: boolean, phase: FulfilmentState['phase'] = 'awaiting-courier') =>
  ({ terminal, address: '1 Main St', fulfilment: fulfilment(phase) }) as unknown as OrderView;

function fakeHub() {
  const listeners = new Map<string, Set<HubListener>>();
  return {
    listeners,
    subscribe: vi.fn((orderId: string, listener: HubListener) => {
      const set = listeners.get(orderId) ?? new Set();
      set.add(listener);
      listeners.set(orderId, set);
      return () => set.delete(listener);
    }),
    current: vi.fn(async () => ({ kind: 'view' as const, view: view(false) })),
    publish(orderId: string, v: OrderView) {
      for (const l of [...(listeners.get(orderId) ?? [])]) l({ kind: 'view', view: v });
    },
    watching: (orderId: string) => listeners.get(orderId)?.size ?? 0,
  };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
const logger = createLogger({ name: 'board-test', level: 'error', json: true });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('courier board', () => {
  it('follows each running order once for any number of watching pages, and lets go when the last leaves', async () => {
    const hub = fakeHub();
    const listRunning = vi.fn(async () => ['111111']);
    const board = new CourierBoard({ hub, listRunning, logger, discoverMs: 5000 });
    const seen: BoardSnapshot[][] = [[], [], []];
    const leave = seen.map((list) => board.subscribe((s) => list.push(s)));
    await flush();
    expect(hub.subscribe).toHaveBeenCalledTimes(1);
    hub.publish('111111', view(false));
    for (const list of seen) expect(list.at(-1)?.orders.map((o) => o.orderId)).toEqual(['111111']);
    // Discovery is one list call per interval, not per page.
    vi.advanceTimersByTime(5000);
    await flush();
    expect(listRunning).toHaveBeenCalledTimes(2);
    expect(hub.subscribe).toHaveBeenCalledTimes(1);
    for (const l of leave) l();
    expect(hub.watching('111111')).toBe(0);
    vi.advanceTimersByTime(20_000);
    expect(listRunning).toHaveBeenCalledTimes(2);
  });

  it('drops an order that ended and does not follow it again when visibility still lists it', async () => {
    const hub = fakeHub();
    const board = new CourierBoard({ hub, listRunning: async () => ['222222'], logger, discoverMs: 5000 });
    const seen: BoardSnapshot[] = [];
    board.subscribe((s) => seen.push(s));
    await flush();
    hub.publish('222222', view(false));
    hub.publish('222222', view(true, 'delivered'));
    await flush();
    expect(seen.at(-1)?.orders).toEqual([]);
    expect(hub.watching('222222')).toBe(0);
    vi.advanceTimersByTime(5000);
    await flush();
    expect(hub.subscribe).toHaveBeenCalledTimes(1);
  });

  it('says so when Temporal does not answer the discovery, and shows an order this console started at once', async () => {
    const hub = fakeHub();
    const board = new CourierBoard({ hub, listRunning: async () => Promise.reject(new Error('down')), logger });
    const seen: BoardSnapshot[] = [];
    board.subscribe((s) => seen.push(s));
    await flush();
    expect(seen.at(-1)?.problem).toMatch(/did not answer/);
    board.track('333333');
    hub.publish('333333', view(false));
    expect(seen.at(-1)?.orders.map((o) => o.orderId)).toEqual(['333333']);
  });
});
