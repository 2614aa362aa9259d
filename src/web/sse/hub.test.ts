/**
 * The hub's bookkeeping with a scripted follower: one follower per order whatever the number of
 * subscribers, aborted when the last leaves, only changes passed on, finished once. What a real follower
 * costs in Temporal calls is measured against the dev server in test/integration/web-sse.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../logger.js';
import type { FollowEnd, FollowMessage } from '../orders/follower.js';
import type { OrderReader } from '../orders/reader.js';
import type { OrderView } from '../orders/view.js';
import { ProgressHub } from './hub.js';
import type { HubMessage } from './hub.js';

const logger = createLogger({ name: 'test', level: 'error', json: true });
const view = (v: Partial<OrderView>): OrderView => ({ orderId: '123', runId: 'run-1', terminal: false, progress: 0, phase: 'running', ...v }) as OrderView;
const unusedReader: OrderReader = { read: () => Promise.reject(new Error('not expected')) };

/** A follower the test drives: each start is recorded with its publish function and abort signal. */
function scriptedFollow() {
  const runs: { orderId: string; publish: (m: FollowMessage) => void; signal: AbortSignal; end: (e: FollowEnd) => void; fail: (err: Error) => void }[] = [];
  const follow = (orderId: string, publish: (m: FollowMessage) => void, signal: AbortSignal) =>
    new Promise<FollowEnd>((end, fail) => runs.push({ orderId, publish, signal, end, fail }));
  const show = (i: number, v: Partial<OrderView>) => runs[i]!.publish({ kind: 'view', view: view(v), events: [] });
  return { follow, runs, show };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

let hub: ProgressHub | undefined;
afterEach(() => {
  hub?.close();
  vi.useRealTimers();
});

describe('ProgressHub', () => {
  it('runs one follower per order however many subscribers watch it, and aborts it when the last leaves', () => {
    const { follow, runs } = scriptedFollow();
    hub = new ProgressHub({ follow, reader: unusedReader, logger });
    const leave = Array.from({ length: 20 }, () => hub!.subscribe('123', () => undefined));
    hub.subscribe('456', () => undefined);
    expect(runs.map((r) => r.orderId)).toEqual(['123', '456']);
    expect(hub.subscribers('123')).toBe(20);
    leave.slice(1).forEach((l) => l());
    expect(runs[0]!.signal.aborted).toBe(false);
    leave[0]!();
    expect(runs[0]!.signal.aborted).toBe(true);
    expect(hub.following()).toBe(1);
  });

  it('hands a late subscriber (a reconnecting browser) the latest state at once, and keeps the history', async () => {
    const { follow, show, runs } = scriptedFollow();
    hub = new ProgressHub({ follow, reader: unusedReader, logger });
    hub.subscribe('123', () => undefined);
    runs[0]!.publish({ kind: 'view', view: view({ progress: 50 }), events: [{ eventId: 1 } as never] });
    show(0, { progress: 75 });
    const seen: HubMessage[] = [];
    hub.subscribe('123', (m) => seen.push(m));
    expect(seen).toMatchObject([{ kind: 'view', view: { progress: 75 } }]);
    expect(await hub.current('123')).toMatchObject({ view: { progress: 75 } });
    expect(hub.events('123')).toEqual([]);
  });

  it('passes on only changes, finishes a run once, and lets the follower go when the order ends', async () => {
    const { follow, show, runs } = scriptedFollow();
    const finished: string[] = [];
    hub = new ProgressHub({ follow, reader: unusedReader, logger, onFinished: (v) => finished.push(v.runId) });
    const seen: HubMessage[] = [];
    hub.subscribe('123', (m) => seen.push(m));
    show(0, { progress: 25 });
    show(0, { progress: 25 });
    show(0, { progress: 100, terminal: true, phase: 'completed' });
    show(0, { progress: 100, terminal: true, phase: 'completed' });
    runs[0]!.end('ended');
    await flush();
    expect(seen.map((m) => (m.kind === 'view' ? m.view.progress : m.kind))).toEqual([25, 100]);
    expect(finished).toEqual(['run-1']);
    expect(hub.following()).toBe(0);
  });

  it('tells subscribers when the order does not exist', async () => {
    const { follow, runs } = scriptedFollow();
    hub = new ProgressHub({ follow, reader: unusedReader, logger });
    const seen: HubMessage[] = [];
    hub.subscribe('404', (m) => seen.push(m));
    runs[0]!.publish({ kind: 'not-found' });
    runs[0]!.end('ended');
    await flush();
    expect(seen).toEqual([{ kind: 'not-found' }]);
    expect(hub.following()).toBe(0);
  });

  it('follows the new run when the order id gets one, for the same subscribers', async () => {
    const { follow, show, runs } = scriptedFollow();
    hub = new ProgressHub({ follow, reader: unusedReader, logger });
    const seen: HubMessage[] = [];
    hub.subscribe('123', (m) => seen.push(m));
    runs[0]!.end('new-run');
    await flush();
    expect(runs).toHaveLength(2);
    show(1, { runId: 'run-2', progress: 10 });
    expect(seen).toMatchObject([{ view: { runId: 'run-2' } }]);
  });

  it('starts a follower that failed again, while someone watches', async () => {
    vi.useFakeTimers();
    const { follow, runs } = scriptedFollow();
    hub = new ProgressHub({ follow, reader: unusedReader, logger });
    hub.subscribe('123', () => undefined);
    runs[0]!.fail(new Error('bug'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toHaveLength(2);
  });

  it('reads an order nobody follows once for concurrent first renders', async () => {
    let reads = 0;
    const reader: OrderReader = { read: async () => (reads++, view({ progress: 40 })) };
    hub = new ProgressHub({ follow: scriptedFollow().follow, reader, logger });
    const [a, b] = await Promise.all([hub.current('123'), hub.current('123')]);
    expect(a).toMatchObject({ view: { progress: 40 } });
    expect(b).toBe(a);
    expect(reads).toBe(1);
  });
});
