/**
 * "Show the code" against real workers and the run's dev server: the code region highlights the line that
 * throws while a RecoverableFailure order is stuck, and the event history lists what a HappyPath order did,
 * refreshes while it runs, stops once it has ended, and costs the same for a room as for one viewer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_BUG_MESSAGE } from '../../src/temporal/contract.js';
import { newOrderId, startTestWorkers, waitFor } from '../support/workers.js';
import type { TestWorkers } from '../support/workers.js';
import { metricValue, startTestConsole, testid, testidAttr } from './web-support.js';
import type { TestConsole } from './web-support.js';

let workers: TestWorkers;
let web: TestConsole;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'order-code' });
  web = startTestConsole({ config: workers.config, recheckMs: 50 });
});
afterAll(async () => {
  await web?.close();
  await workers?.stop();
});

const htmx = { 'HX-Request': 'true' };
const idOf = (workflowId: string) => workflowId.slice('order-'.length);
const region = async (orderId: string, which: 'code' | 'history') => (await web.get(`/orders/${orderId}/${which}`, htmx)).text();

/** The text of the marked lines in one file of the code region (tags stripped, spaces squashed). */
function markedLines(html: string, role: 'scenario' | 'flow'): string[] {
  const figure = new RegExp(`<figure[^>]*data-testid="code-file-${role}"[\\s\\S]*?</figure>`).exec(html)?.[0] ?? '';
  return [...figure.matchAll(/<div class="code-line code-mark"[^>]*>([\s\S]*?)<\/code><\/div>/g)].map((m) =>
    (m[1] ?? '').replace(/<span class="code-ln"[^>]*>\d+<\/span>/, '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim(),
  );
}

/** The history region's rows: event type and the text of the row. */
function historyRows(html: string): { type: string; text: string }[] {
  return [...html.matchAll(/<tr class="history-\w+" data-testid="history-row" data-type="(\w+)"[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => ({
    type: m[1] ?? '',
    text: (m[2] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim(),
  }));
}

describe('the code region', () => {
  it('highlights the line that throws while a RecoverableFailure order is stuck', async () => {
    const handle = await workers.startOrder('RecoverableFailure', {}, { workflowTaskTimeout: '2s' });
    const orderId = idOf(handle.workflowId);
    try {
      const page = await (await web.get(`/orders/${orderId}`)).text();
      expect(testidAttr(page, 'code-view', 'hx-get')).toBe(`/orders/${orderId}/code`);
      expect(testidAttr(page, 'event-history', 'hx-get')).toBe(`/orders/${orderId}/history`);

      const html = await waitFor(() => region(orderId, 'code'), (h) => testidAttr(h, 'code-view', 'data-focus') === 'bug', 'the stuck order in the code view');
      expect(testidAttr(html, 'code-file-scenario', 'data-path')).toBe('src/workflows/recoverable-failure.ts');
      expect(markedLines(html, 'scenario')).toEqual(['throw new Error(SIMULATED_BUG_MESSAGE);']);
      expect(markedLines(html, 'flow')).toEqual(['await options.afterCharge?.(ctx);']);
      // Still running: the region keeps refreshing itself, and what the browser already shows is not sent
      // again (htmx keeps the region as it is on a 204).
      expect(testidAttr(html, 'code-view', 'hx-trigger')).toBe('every 1s, refresh');
      const again = testidAttr(html, 'code-view', 'hx-get')!.replace(/&amp;/g, '&');
      expect(again).toMatch(new RegExp(`^/orders/${orderId}/code\\?seen=[\\w-]+$`));
      expect((await web.get(again, htmx)).status).toBe(204);

      const history = await waitFor(() => region(orderId, 'history'), (h) => historyRows(h).some((r) => r.type === 'WorkflowTaskFailed'), 'the failed workflow task');
      expect(historyRows(history).find((r) => r.type === 'WorkflowTaskFailed')?.text).toContain(SIMULATED_BUG_MESSAGE);
    } finally {
      await handle.terminate('test over');
    }
  });

  it('shows an extension order\'s own workflow from its domain folder: a fulfilment order waiting for couriers', async () => {
    const orderId = newOrderId();
    expect((await web.post('/fulfilment/orders', { orderId, address: '9 Courier Court', pace: '1' })).status).toBe(303);
    try {
      const html = await waitFor(() => region(orderId, 'code'), (h) => testidAttr(h, 'code-view', 'data-focus') === 'awaiting-courier', 'the order waiting for couriers in the code view');
      expect(testidAttr(html, 'code-file-scenario', 'data-path')).toBe('src/fulfilment/workflows.ts');
      expect(testidAttr(html, 'code-file-flow', 'data-path')).toBe('src/workflows/order-flow.ts');
      expect(html).not.toContain('data-testid="code-missing"');
      expect(markedLines(html, 'scenario')).toEqual(['await condition(woken);', 'if (await condition(woken, Math.max(1, (pending.deadline ?? Date.now()) - Date.now()))) continue;']);
      expect(markedLines(html, 'flow')).toEqual(['await options.afterCharge?.(ctx);']);
      expect(testid(html, 'code-caption')).toMatch(/^Waiting for a courier: condition\(\) holds the order/);
      expect(testidAttr(html, 'code-view', 'hx-trigger')).toBe('every 1s, refresh');
    } finally {
      await workers.client.workflow.getHandle(`order-${orderId}`).terminate('test over');
    }
  });

  it('answers 400 for a malformed order id and 404 for an unknown one', async () => {
    for (const which of ['code', 'history']) {
      expect((await web.get(`/orders/12ab/${which}`, htmx)).status).toBe(400);
      expect((await web.get(`/orders/999999999999/${which}`, htmx)).status).toBe(404);
    }
  });
});

describe('the event history region', () => {
  it('lists ActivityTaskCompleted for CheckFraud, refreshes while the order runs and stops once it has ended', async () => {
    const handle = await workers.startOrder('HappyPath', { TimeScale: 0.2 });
    const orderId = idOf(handle.workflowId);
    const early = await region(orderId, 'history');
    expect(testidAttr(early, 'event-history', 'hx-trigger')).toBe('every 1s, refresh');

    await handle.result();
    const done = await waitFor(() => region(orderId, 'history'), (h) => testidAttr(h, 'event-history', 'hx-trigger') === undefined, 'the ended history');
    const rows = historyRows(done);
    expect(rows[0]?.type).toBe('WorkflowExecutionCompleted');
    expect(rows.filter((r) => r.type === 'ActivityTaskCompleted').map((r) => r.text)).toContainEqual(expect.stringContaining('CheckFraud'));
    expect(rows.find((r) => r.type === 'ActivityTaskStarted' && r.text.includes('CheckFraud'))?.text).toMatch(/ 1$/); // attempt 1
    expect(testidAttr(done, 'event-history', 'hx-get')).toBeUndefined();

    const code = await region(orderId, 'code');
    expect(testidAttr(code, 'code-view', 'data-focus')).toBe('completed');
    expect(testidAttr(code, 'code-view', 'hx-trigger')).toBeUndefined();
    expect(markedLines(code, 'flow')).toEqual([expect.stringMatching(/^return \{ trackingId/)]);
  });

  it('costs a room of viewers what one viewer costs: one history read per refresh, shared', async () => {
    const calls = async () =>
      (await metricValue(web.metrics, 'temporal_calls_total', { method: 'fetchHistory' })) +
      (await metricValue(web.metrics, 'temporal_calls_total', { method: 'describeWorkflow' }));
    const cost = async (viewers: number) => {
      const handle = await workers.startOrder('HappyPath');
      await handle.result();
      const orderId = idOf(handle.workflowId);
      const before = await calls();
      const pages = await Promise.all(Array.from({ length: viewers }, () => Promise.all([region(orderId, 'history'), region(orderId, 'code')])));
      for (const [history, code] of pages) {
        expect(historyRows(history)[0]?.type).toBe('WorkflowExecutionCompleted');
        expect(testidAttr(code, 'code-view', 'data-focus')).toBe('completed');
      }
      // An ended order cannot change: asking again costs nothing.
      await Promise.all([region(orderId, 'history'), region(orderId, 'code')]);
      return (await calls()) - before;
    };
    const one = await cost(1);
    expect(one).toBeGreaterThan(0);
    expect(await cost(20)).toBe(one);
  });
});
