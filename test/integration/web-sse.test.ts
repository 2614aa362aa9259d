/**
 * The live order stream against the real dev server: one follower per order however many browsers
 * watch (counted in order_console_temporal_calls_total), reconnects resume from the id of the last event
 * the browser got, and the stream ends explicitly with a final view when the order ends. No worker
 * needed: orders on an unpolled task queue stay running (their workflow task waits for a worker, which
 * the follower re-describes every recheckMs) until the test terminates them.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DEFAULT_ADDRESS, orderWorkflowId } from '../../src/temporal/contract.js';
import { testConfig, uniqueTaskQueue } from '../support/env.js';
import { newOrderId, waitFor } from '../support/workers.js';
import { metricValue, readEvents, startTestConsole, testid, testidAttr } from './web-support.js';
import type { TestConsole } from './web-support.js';

const POLL_MS = 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let web: TestConsole;
let client: Client;
let connection: Connection;
beforeAll(async () => {
  web = startTestConsole({ recheckMs: POLL_MS, config: testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('web-sse') }) });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  await web?.close();
  await connection?.close();
});

async function placeOrder(): Promise<string> {
  const orderId = newOrderId();
  const res = await web.post('/orders', { scenario: 'HappyPath', orderId, address: DEFAULT_ADDRESS });
  expect(res.status).toBe(303);
  return orderId;
}

const describes = () => metricValue(web.metrics, 'temporal_calls_total', { method: 'describeWorkflow' });

/** Opens n streams on one order for a while, then closes them; returns the describe calls made meanwhile. */
async function watchWith(orderId: string, viewers: number, ms: number): Promise<number> {
  const before = await describes();
  const streams = await Promise.all(Array.from({ length: viewers }, () => web.get(`/orders/${orderId}/events`)));
  const reads = streams.map((res) => readEvents(res, () => false, ms));
  await waitFor(() => metricValue(web.metrics, 'sse_viewers'), (n) => n === viewers, `${viewers} viewers`);
  await Promise.all(reads);
  return (await describes()) - before;
}

describe('order event stream', () => {
  it('follows each order once, not once per viewer', async () => {
    const orderId = await placeOrder();
    const one = await watchWith(orderId, 1, 1500);
    const twenty = await watchWith(orderId, 20, 1500);
    // ~15 polls in 1.5 s at 100 ms either way; one poller per viewer would make ~300.
    expect(one).toBeGreaterThan(4);
    expect(twenty).toBeLessThan(one * 2 + 5);
    // Everyone left: the gauge is back to zero and the polling stops.
    await waitFor(() => metricValue(web.metrics, 'sse_viewers'), (n) => n === 0, 'viewers gone');
    const idle = await describes();
    await sleep(POLL_MS * 5);
    expect(await describes()).toBeLessThanOrEqual(idle + 1);
  });

  it('sends the current regions at once, so a reconnecting browser continues where it was', async () => {
    const orderId = await placeOrder();
    for (let attempt = 0; attempt < 2; attempt++) {
      const { events } = await readEvents(await web.get(`/orders/${orderId}/events`), (e) => e.some((x) => x.event === 'panel'), 5000);
      const progress = events.find((e) => e.event === 'progress');
      expect(progress, `connection ${attempt + 1}`).toBeDefined();
      expect(testidAttr(progress!.data, 'progress', 'value')).toBe('0');
      expect(testidAttr(progress!.data, 'step-CheckFraud', 'data-state')).toBe('pending');
    }
  });

  it('marks every event with what the browser then shows, and resumes a reconnect from it (Last-Event-ID over the first render\'s ?seen=)', async () => {
    const orderId = await placeOrder();
    const first = await readEvents(await web.get(`/orders/${orderId}/events`), (e) => e.some((x) => x.event === 'effects'), 5000);
    const shown = first.events.filter((e) => e.event === 'effects').at(-1)!.id!;
    const [progress, panel, effects] = shown.split('.');
    expect(progress).toMatch(/^[\w-]{16}$/);
    expect(effects).toMatch(/^[\w-]{16}$/);
    expect(first.events.find((e) => e.event === 'progress')!.id).toBe(`${progress}..`);

    // The browser shows all of it: a reconnect gets nothing but its hello, whatever the page URL says.
    const same = await readEvents(await web.get(`/orders/${orderId}/events?seen=x.y.z`, { 'last-event-id': shown }), () => false, 1500);
    expect(same.events.map((e) => e.event)).toEqual(['hello']);
    expect(same.events[0]!.id).toBe(shown);

    // The browser shows another progress region than the first render did (it changed, maybe back and
    // forth, since): the header, not the page's ?seen=, says so, and only that region is sent again.
    const other = await readEvents(
      await web.get(`/orders/${orderId}/events?seen=${shown}`, { 'last-event-id': `changed-meanwhile.${panel}.${effects}` }),
      (e) => e.some((x) => x.event === 'progress'),
      5000,
    );
    expect(other.events.map((e) => e.event)).toEqual(['hello', 'progress']);
    expect(other.events[1]!.id).toBe(shown);
  });

  it('sends a region that changed while the browser was away when it comes back', async () => {
    const orderId = await placeOrder();
    const first = await readEvents(await web.get(`/orders/${orderId}/events`), (e) => e.some((x) => x.event === 'effects'), 5000);
    const shown = first.events.at(-1)!.id!;
    // While nobody watches, the order gets a signal and then ends: the stream must show the latest.
    const handle = client.workflow.getHandle(orderWorkflowId(orderId));
    await handle.signal('UpdateOrder', { Address: '9 Elsewhere' });
    await handle.terminate('changed while away');
    const back = await readEvents(await web.get(`/orders/${orderId}/events`, { 'last-event-id': shown }), () => false, 5000);
    expect(back.ended).toBe(true);
    const panel = back.events.filter((e) => e.event === 'panel').at(-1)!.data;
    expect(testidAttr(panel, 'outcome', 'data-outcome')).toBe('terminated');
  });

  it('swaps in the final view, then says done and closes, when the order ends', async () => {
    const orderId = await placeOrder();
    const finished = () => metricValue(web.metrics, 'orders_finished_total', { scenario: 'HappyPath', outcome: 'terminated' });
    const finishedBefore = await finished();
    const stream = web.get(`/orders/${orderId}/events`);
    const reading = readEvents(await stream, () => false, 15_000);
    await waitFor(() => metricValue(web.metrics, 'sse_viewers'), (n) => n >= 1, 'the viewer');
    const reason = 'Presenter stopped it <b>"now"</b>';
    await client.workflow.getHandle(orderWorkflowId(orderId)).terminate(reason);
    const { events, ended } = await reading;
    expect(ended).toBe(true); // the server closed it: no open stream for a finished order
    expect(events.at(-1)).toEqual({ event: 'done', data: 'terminated' });
    const panel = events.filter((e) => e.event === 'panel').at(-1)!.data;
    expect(testidAttr(panel, 'outcome', 'data-outcome')).toBe('terminated');
    expect(panel).toContain('Presenter stopped it &lt;b&gt;&quot;now&quot;&lt;/b&gt;');
    expect(await finished()).toBe(finishedBefore + 1);

    // Later visitors: the page renders the ending without a stream; a stream opened anyway ends at once.
    const page = await (await web.get(`/orders/${orderId}`)).text();
    expect(page).not.toContain('sse-connect');
    expect(testid(page, 'terminated-reason')).toContain('Presenter stopped it');
    const late = await readEvents(await web.get(`/orders/${orderId}/events`), () => false, 5000);
    expect(late.ended).toBe(true);
    expect(late.events.at(-1)?.event).toBe('done');
    expect(await finished()).toBe(finishedBefore + 1);
  });

  it('shows an order that ran out of time (workflow execution timeout)', async () => {
    const orderId = newOrderId();
    const handle = await client.workflow.start('OrderWorkflowHappyPath', {
      workflowId: orderWorkflowId(orderId),
      taskQueue: web.config.taskQueue,
      args: [{ OrderId: orderId, Address: DEFAULT_ADDRESS }],
      workflowExecutionTimeout: '1s',
    });
    const reading = readEvents(await web.get(`/orders/${orderId}/events`), () => false, 15_000);
    await expect(handle.result()).rejects.toThrow();
    const { events, ended } = await reading;
    expect(ended).toBe(true);
    expect(events.at(-1)).toEqual({ event: 'done', data: 'timed_out' });
    const html = await (await web.get(`/orders/${orderId}`)).text();
    expect(testidAttr(html, 'outcome', 'data-outcome')).toBe('timed_out');
    expect(testidAttr(html, 'order-phase', 'data-phase')).toBe('timed_out');
  });

  it('ends the stream of an order that does not exist', async () => {
    const { events, ended } = await readEvents(await web.get('/orders/999999999998/events'), () => false, 5000);
    expect(ended).toBe(true);
    expect(events.map((e) => e.event)).toEqual(['hello', 'panel', 'done']);
    expect((await web.get('/orders/12x/events')).status).toBe(400);
  });
});
