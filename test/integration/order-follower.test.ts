/**
 * The order follower against the real dev server and a real worker: an order that waits for a person
 * costs its one open long poll and nothing else, a change reaches the follower as the server records it,
 * and the follower stops when told to even while it has nothing to do. The calls are counted by the
 * console client's own metric (order_console_temporal_calls_total).
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createConsoleMetrics } from '../../src/metrics/console.js';
import type { ConsoleMetrics } from '../../src/metrics/console.js';
import { createOrderConsoleClient } from '../../src/temporal/client.js';
import type { OrderConsoleClient } from '../../src/temporal/client.js';
import { followOrder } from '../../src/web/orders/follower.js';
import type { FollowMessage } from '../../src/web/orders/follower.js';
import type { OrderView } from '../../src/web/orders/view.js';
import { startTestWorkers, testLogger, waitFor } from '../support/workers.js';
import type { TestWorkers } from '../support/workers.js';
import { metricValue } from './web-support.js';

const RECHECK_MS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let workers: TestWorkers;
let connection: Connection;
let metrics: ConsoleMetrics;
let consoleClient: OrderConsoleClient;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'follower' });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  metrics = createConsoleMetrics({ processMetrics: false });
  consoleClient = createOrderConsoleClient({ client: new Client({ connection }), config: workers.config, metrics });
});
afterAll(async () => {
  await workers?.stop();
  await connection?.close();
});

const calls = async () => ({
  describe: await metricValue(metrics, 'temporal_calls_total', { method: 'describeWorkflow' }),
  history: await metricValue(metrics, 'temporal_calls_total', { method: 'watchHistory' }),
  query: await metricValue(metrics, 'temporal_calls_total', { method: 'queryOrderState' }),
});

function follow(orderId: string) {
  const views: OrderView[] = [];
  const controller = new AbortController();
  const publish = (m: FollowMessage) => m.kind === 'view' && views.push(m.view);
  const deps = { client: consoleClient, logger: testLogger('follower'), view: { namespace: 'default', nexusNamespace: 'nexus-demo' }, recheckMs: RECHECK_MS };
  const ended = followOrder(orderId, deps, publish, controller.signal);
  const latest = () => Promise.resolve(views.at(-1));
  return { views, latest, ended, stop: () => controller.abort() };
}

describe('order follower', () => {
  it('costs nothing but its long poll while an order waits for a person, and sees the signal at once', async () => {
    const handle = await workers.startOrder('HumanInLoopSignal', { HumanWaitSeconds: 600 });
    const orderId = handle.workflowId.replace(/^order-/, '');
    const f = follow(orderId);
    await waitFor(f.latest, (v) => v?.awaitingAddress !== undefined, 'the wait for an address');

    // Past the recheck that may follow the last change: then nothing is pending and nothing new comes,
    // where a poller at RECHECK_MS would describe ~10 times in the second measured.
    await sleep(3 * RECHECK_MS);
    const before = await calls();
    await sleep(10 * RECHECK_MS);
    const after = await calls();
    expect(after.describe - before.describe).toBe(0);
    expect(after.query - before.query).toBe(0);
    expect(after.history - before.history).toBeLessThanOrEqual(1);

    await handle.signal('UpdateOrder', { Address: '42 Live Street' });
    const signalled = await waitFor(f.latest, (v) => v?.addressChanges.length === 1, 'the signal in the view');
    expect(signalled!.addressChanges[0]!.address).toBe('42 Live Street');
    await waitFor(f.latest, (v) => v?.terminal === true, 'the order to complete');
    expect(await f.ended).toBe('ended');
    expect(f.views.at(-1)!.result?.address).toBe('42 Live Street');
  });

  it('stops at once when the last viewer leaves, even with nothing to do', async () => {
    const handle = await workers.startOrder('HumanInLoopSignal', { HumanWaitSeconds: 600 });
    const f = follow(handle.workflowId.replace(/^order-/, ''));
    await waitFor(f.latest, (v) => v?.awaitingAddress !== undefined, 'the wait for an address');
    f.stop();
    expect(await f.ended).toBe('aborted');
    await handle.terminate('test over');
  });
});
