/**
 * The hub's bookkeeping with a scripted reader: one poll loop per order whatever the number of
 * subscribers, stop when the last leaves, stop and finish once at a terminal state. The Temporal-backed
 * version of the same property is in test/integration/web-sse.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../logger.js';
import type { OrderReader } from '../orders/reader.js';
import type { OrderView } from '../orders/view.js';
import { ProgressHub } from './hub.js';
import type { HubMessage } from './hub.js';

const logger = createLogger({ name: 'test', level: 'error', json: true });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function scriptedReader(views: () => Partial<OrderView> | undefined) {
  const reads: string[] = [];
  const reader: OrderReader = {
    async read(orderId) {
      reads.push(orderId);
      const v = views();
      return v && ({ orderId, runId: 'run-1', terminal: false, progress: 0, phase: 'running', ...v } as OrderView);
    },
  };
  return { reader, reads };
}

let hub: ProgressHub | undefined;
afterEach(() => hub?.close());

describe('ProgressHub', () => {
  it('polls an order once per interval however many subscribers watch it', async () => {
    const { reader, reads } = scriptedReader(() => ({ progress: reads.length }));
    hub = new ProgressHub({ reader, logger, intervalMs: 20 });
    const unsubscribers = Array.from({ length: 20 }, () => hub!.subscribe('123', () => undefined));
    await sleep(210);
    expect(hub.subscribers('123')).toBe(20);
    expect(hub.polling()).toBe(1);
    // ~10 polls in 210 ms at 20 ms; 20 subscribers polling each would be ~200.
    expect(reads.length).toBeGreaterThan(3);
    expect(reads.length).toBeLessThan(15);
    unsubscribers.forEach((stop) => stop());
    const after = reads.length;
    await sleep(100);
    expect(hub.polling()).toBe(0);
    expect(reads.length).toBeLessThanOrEqual(after + 1);
  });

  it('hands a late subscriber (a reconnecting browser) the latest state at once', async () => {
    const { reader } = scriptedReader(() => ({ progress: 50 }));
    hub = new ProgressHub({ reader, logger, intervalMs: 20 });
    const stop = hub.subscribe('7', () => undefined);
    await sleep(60);
    const got: HubMessage[] = [];
    const stop2 = hub.subscribe('7', (m) => got.push(m));
    expect(got).toHaveLength(1);
    expect(got[0]?.kind === 'view' && got[0].view.progress).toBe(50);
    stop();
    stop2();
  });

  it('sends only changes, and stops with a final message at a terminal state, counted once', async () => {
    let step = 0;
    const { reader } = scriptedReader(() => (++step < 3 ? { progress: 25 } : { progress: 100, terminal: true, phase: 'completed' }));
    const finished: string[] = [];
    hub = new ProgressHub({ reader, logger, intervalMs: 10, onFinished: (v) => finished.push(v.runId) });
    const got: HubMessage[] = [];
    hub.subscribe('9', (m) => got.push(m));
    await sleep(120);
    expect(got.map((m) => (m.kind === 'view' ? m.view.progress : -1))).toEqual([25, 100]);
    expect(hub.polling()).toBe(0);
    // A page opened later reads once more: the same run is not counted twice.
    const again = await hub.current('9');
    expect(again.kind === 'view' && again.view.terminal).toBe(true);
    expect(finished).toEqual(['run-1']);
  });

  it('tells subscribers when the order does not exist, then stops', async () => {
    const { reader } = scriptedReader(() => undefined);
    hub = new ProgressHub({ reader, logger, intervalMs: 10 });
    const got: HubMessage[] = [];
    hub.subscribe('404', (m) => got.push(m));
    await sleep(60);
    expect(got).toEqual([{ kind: 'not-found' }]);
    expect(hub.polling()).toBe(0);
  });

  it('keeps polling with backoff while reads fail, and recovers', async () => {
    let failing = true;
    const reads: number[] = [];
    const reader: OrderReader = {
      async read(orderId) {
        reads.push(Date.now());
        if (failing) throw new Error('UNAVAILABLE');
        return { orderId, runId: 'r', terminal: false, progress: 75, phase: 'running' } as OrderView;
      },
    };
    hub = new ProgressHub({ reader, logger, intervalMs: 10 });
    const got: HubMessage[] = [];
    hub.subscribe('5', (m) => got.push(m));
    await sleep(150);
    const failedReads = reads.length;
    expect(failedReads).toBeGreaterThan(1);
    expect(failedReads).toBeLessThan(10); // 10, 20, 40, 80 ms...: backing off, not hammering
    failing = false;
    await sleep(400);
    expect(got.at(-1)).toMatchObject({ kind: 'view', view: { progress: 75 } });
  });
});
