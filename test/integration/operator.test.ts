/**
 * The operator page against the run's real dev server, with this file's in-process workers: counts by
 * scenario and status from visibility, workers polling, the refreshing partial, one shared read however
 * many pages poll, and graceful degradation when the worker's metrics or the server cannot be reached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probePort } from '../../src/temporal/devserver.js';
import type { ConsoleMetrics } from '../../src/metrics/console.js';
import { testConfig } from '../support/env.js';
import { eventually } from '../support/capture.js';
import { startTestWorkers, type TestWorkers } from '../support/workers.js';
import type { WorkerStatus } from '../../src/temporal/worker-control-client.js';
import { startTestConsole, testid, testidAttr, type TestConsole, type TestConsoleOptions } from './web-support.js';

const htmx = { 'HX-Request': 'true' };

let workers: TestWorkers;
let closedPort: number;
const consoles: TestConsole[] = [];
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'operator' });
  closedPort = await probePort(0); // free a moment ago: nothing serves metrics there
});
afterAll(async () => {
  await Promise.all(consoles.map((c) => c.close()));
  await workers?.stop();
});

/** A console of its own (fresh caches), whose worker metrics address answers nothing. */
function newConsole(address?: string, workerKeys?: TestConsoleOptions['workerKeys']): TestConsole {
  const config = testConfig({ TEMPORAL_TASK_QUEUE: workers.config.taskQueue, WORKER_METRICS_ADDRESS: `127.0.0.1:${closedPort}` });
  const web = startTestConsole({ config, address, timeoutMs: address ? 1000 : undefined, workerKeys });
  consoles.push(web);
  return web;
}

const figure = (html: string, id: string) => Number(testid(html, id));

async function temporalCalls(metrics: ConsoleMetrics): Promise<number> {
  const { values } = await metrics.registry.getSingleMetric('order_console_temporal_calls_total')!.get();
  return values.reduce((n, v) => n + v.value, 0);
}

describe('operator page', () => {
  it('counts orders by scenario and status, and shows the workers polling this file\'s queue', async () => {
    const web = newConsole();
    const before = await (await web.get('/operator')).text();
    const waiting = await workers.startOrder('HumanInLoopSignal', { HumanWaitSeconds: 60 });
    const orders = [await workers.startOrder('HappyPath'), await workers.startOrder('HappyPath'), await workers.startOrder('NonRecoverableFailure')];
    await Promise.allSettled(orders.map((o) => o.result()));
    try {
      // Visibility catches up a moment after the orders end; the page's shared read lasts 1.5 s.
      const html = await eventually('the counts to include these orders', async () => {
        const page = await (await web.get('/operator')).text();
        const ok =
          figure(page, 'completed-HappyPath') >= figure(before, 'completed-HappyPath') + 2 &&
          figure(page, 'failed-NonRecoverableFailure') >= figure(before, 'failed-NonRecoverableFailure') + 1 &&
          figure(page, 'running-HumanInLoopSignal') >= 1;
        return ok ? page : undefined;
      }, 30_000, 500);
      expect(figure(html!, 'completed-total')).toBeGreaterThanOrEqual(figure(html!, 'completed-HappyPath'));
      const queue = workers.config.taskQueue;
      expect(Number(testidAttr(html!, `pollers-${queue}-workflow`, 'data-count'))).toBeGreaterThanOrEqual(1);
      expect(Number(testidAttr(html!, `pollers-${queue}-activity`, 'data-count'))).toBeGreaterThanOrEqual(1);
    } finally {
      await waiting.terminate('operator test done');
    }
  });

  it('does not count the orders worker, on the operator page and in Preflight, once it says it is not polling', async () => {
    const queue = workers.config.taskQueue;
    // The worker's control channel, played here: what the real one answers while its Worker has FAILED.
    const says = (polling: boolean): NonNullable<TestConsoleOptions['workerKeys']> => ({
      status: async (): Promise<WorkerStatus> => ({
        apiKey: null, pollRejections: { count: 0, lastAt: null }, fixDeployed: false, identity: workers.orders.identity, polling,
        workerState: polling ? 'RUNNING' : 'FAILED',
        pollingProblem: polling ? null : 'Its Temporal Worker failed (UNAUTHENTICATED) and stopped polling; the worker makes a new one every few seconds.',
      }),
      setApiKey: () => Promise.reject(new Error('not here')),
      revokeApiKey: () => Promise.reject(new Error('not here')),
    });
    // The server lists this file's worker by the identity the worker reports: it polls, and counts.
    const polling = await (await newConsole(undefined, says(true)).get('/operator/figures', htmx)).text();
    expect(Number(testidAttr(polling, `pollers-${queue}-workflow`, 'data-count'))).toBeGreaterThanOrEqual(1);

    const web = newConsole(undefined, says(false));
    const html = await (await web.get('/operator/figures', htmx)).text();
    for (const kind of ['workflow', 'activity']) {
      expect(testidAttr(html, `pollers-${queue}-${kind}`, 'data-count')).toBe('0');
      expect(testid(html, `pollers-${queue}-${kind}`)).toMatch(/not polling/);
      expect(testid(html, `pollers-${queue}-${kind}`)).not.toMatch(/\d+ polling/);
      expect(testid(html, `pollers-note-${queue}-${kind}`)).toMatch(/failed \(UNAUTHENTICATED\)/);
    }
    const preflight = await (await web.get('/preflight')).text();
    for (const id of ['orders-workflow-worker', 'orders-activity-worker']) {
      expect(testidAttr(preflight, `check-${id}`, 'data-status')).toBe('fail');
      expect(testid(preflight, `fix-${id}`)).toMatch(/new API key/);
    }
  });

  it('refreshes with the same partial the page includes', async () => {
    const web = newConsole();
    const page = await (await web.get('/operator')).text();
    const res = await web.get('/operator/figures', htmx);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const partial = await res.text();
    expect(partial).not.toContain('<html');
    for (const html of [page, partial]) {
      expect(testidAttr(html, 'operator-figures', 'hx-get')).toBe('/operator/figures');
      expect(testidAttr(html, 'operator-figures', 'hx-trigger')).toBe('every 2s');
      expect(html).toContain('data-testid="row-HappyPath"');
    }
  });

  it('says the worker\'s metrics are unreachable, and shows everything else', async () => {
    const web = newConsole();
    const res = await web.get('/operator');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(testid(html, 'worker-metrics-unreachable')).toMatch(new RegExp(`Worker metrics unreachable at 127\\.0\\.0\\.1:${closedPort}`));
    expect(testid(html, 'retries-HappyPath')).toBe('—');
    expect(html).not.toContain('data-testid="orders-problem"');
    expect(testid(html, 'completed-HappyPath')).toMatch(/^\d+$/);
  });

  it('costs the server the same for five pages refreshing at once as for one', async () => {
    const one = newConsole();
    await one.get('/operator/figures', htmx);
    const single = await temporalCalls(one.metrics);
    expect(single).toBeGreaterThan(0);
    const five = newConsole();
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => five.get('/operator/figures', htmx)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await temporalCalls(five.metrics)).toBe(single);
  });

  it('renders with the reason when the Temporal server is down', async () => {
    const web = newConsole(`127.0.0.1:${closedPort}`);
    const res = await web.get('/operator');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(testid(html, 'orders-problem')).toMatch(/cannot be counted right now/);
    expect(html).toContain('data-testid="worker-metrics-unreachable"');
  });
});
