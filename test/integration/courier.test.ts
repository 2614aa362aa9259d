/**
 * Fulfilment with couriers through the console (app.request, real dev server and worker): the Courier page
 * and its live board, the courier's and the customer's forms, and the JSON API's answers, 2xx and 4xx.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FULFILMENT_WORKFLOW_TYPE } from '../../src/fulfilment/api.js';
import { testConfig } from '../support/env.js';
import { newOrderId, startTestWorkers, waitFor } from '../support/workers.js';
import type { TestWorkers } from '../support/workers.js';
import { readEvents, startTestConsole, testid } from './web-support.js';
import type { TestConsole } from './web-support.js';

const TOP = 654300;
const LEGS = 654321;
const KEYPAD = 654322;
const HTMX = { 'HX-Request': 'true' };

let workers: TestWorkers;
let web: TestConsole;
let shared: TestConsole;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'courier' });
  const base = { TEMPORAL_TASK_QUEUE: workers.config.taskQueue, ORDER_DEMO_TIME_SCALE: '0.05' };
  web = startTestConsole({ config: testConfig(base) });
  shared = startTestConsole({ config: testConfig({ ...base, WEB_PUBLIC_URL: 'http://demo.example:3000', PRESENTER_TOKEN: randomBytes(24).toString('base64url') }) });
});
afterAll(async () => {
  await web?.close();
  await shared?.close();
  await workers?.stop();
});

const api = (path: string, body: unknown = {}) =>
  web.app.request(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const shipments = async (orderId: string) => (await (await web.get(`/api/orders/${orderId}/shipments`)).json()) as { phase: string; shipments: { item: { id: number; quantity: number }; status: string }[]; amendable: boolean };

/** Places a fulfilment order from the home page's form and waits until it waits for couriers. */
async function placeAndCharge(): Promise<string> {
  const orderId = newOrderId();
  const placed = await web.post('/fulfilment/orders', { orderId, address: '9 Courier Court', pace: '1' });
  expect(placed.status).toBe(303);
  expect(placed.headers.get('location')).toBe(`/orders/${orderId}`);
  await waitFor(() => shipments(orderId), (s) => s.phase === 'awaiting-courier', 'the order to wait for couriers');
  return orderId;
}

describe('Courier page and order page', () => {
  it('runs the courier flow end to end: the board lists the shipments live, dispatch then deliver each, the order completes', async () => {
    const orderId = await placeAndCharge();
    // Recent orders names it as its card does, not by workflow type.
    const row = await waitFor(
      async () => testid(await (await web.get('/orders/rows')).text(), `order-row-order-${orderId}`),
      (html) => html !== undefined && html !== '',
      'the order in Recent orders',
    );
    expect(row).toContain('Fulfilment with couriers');
    const page = await web.get('/courier');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(testid(html, `shipment-${orderId}-${TOP}`)).toContain('Waiting for a courier');
    expect(html).toContain(`data-testid="dispatch-${orderId}-${TOP}"`);

    // The live board: a first event with the order, then one with the shipment on its way.
    const stream = await web.get('/courier/events');
    const dispatched = await web.post(`/orders/${orderId}/shipments/${TOP}/dispatch`, {}, HTMX);
    expect(testid(await dispatched.text(), 'courier-answer')).toBe(`Dispatched: Table Top ×1 of order ${orderId}.`);
    const { events } = await readEvents(stream, (evs) => evs.some((e) => e.event === 'board' && testid(e.data, `shipment-${orderId}-${TOP}`)?.includes('On its way')));
    expect(events.at(-1)?.data).toContain(`data-testid="deliver-${orderId}-${TOP}"`);

    // A double click: the second is refused by the workflow, nothing happens twice.
    const again = await web.post(`/orders/${orderId}/shipments/${TOP}/dispatch`, {}, HTMX);
    expect(testid(await again.text(), 'courier-answer')).toBe('Table Top is already dispatched');
    // Without JavaScript: the refusal is a page with 409.
    const early = await web.post(`/orders/${orderId}/shipments/${LEGS}/deliver`, {});
    expect(early.status).toBe(409);
    expect(await early.text()).toContain('Table Legs has not been dispatched: a courier must dispatch it first');
    expect((await web.post(`/orders/${orderId}/shipments/${LEGS}/dispatch`, {})).status).toBe(303);

    // The order page shows each shipment's state, and no more amend form.
    const order = await waitFor(async () => (await web.get(`/orders/${orderId}`)).text(), (t) => t.includes(`data-testid="order-shipment-${LEGS}" data-status="dispatched"`), 'the order page to show the dispatch');
    expect(order).not.toContain('data-testid="amend-form"');
    expect(testid(order, 'cancel-refused')).toContain('can no longer be cancelled');

    await web.post(`/orders/${orderId}/shipments/${KEYPAD}/dispatch`, {}, HTMX);
    for (const id of [TOP, LEGS, KEYPAD]) expect((await web.post(`/orders/${orderId}/shipments/${id}/deliver`, {}, HTMX)).status).toBe(200);
    const done = await waitFor(async () => (await web.get(`/api/orders/${orderId}`)).json() as Promise<{ phase: string }>, (o) => o.phase === 'completed', 'the order to complete');
    expect(done.phase).toBe('completed');
    expect(testid(await (await web.get('/courier')).text(), `courier-order-${orderId}`)).toBeUndefined();
  });

  it('lets the customer amend (field errors kept next to the field) and confirm on the order page', async () => {
    const orderId = await placeAndCharge();
    const page = await web.get(`/orders/${orderId}`);
    expect(await page.text()).toContain('data-testid="amend-form"');
    const bad = await web.post(`/orders/${orderId}/amend`, { [`qty-${LEGS}`]: '0', [`qty-${TOP}`]: 'two' }, HTMX);
    const badHtml = await bad.text();
    expect(testid(badHtml, `amend-error-${LEGS}`)).toBe('A whole number from 1 to 99.');
    expect(testid(badHtml, `amend-error-${TOP}`)).toBe('A whole number from 1 to 99.');
    expect(badHtml).toMatch(new RegExp(`data-testid="amend-${TOP}"`));
    expect(badHtml).toContain('value="two"');
    expect((await web.post(`/orders/${orderId}/amend`, { [`qty-${LEGS}`]: '2' })).status).toBe(422);
    const amended = await (await web.post(`/orders/${orderId}/amend`, { [`qty-${LEGS}`]: '3' }, HTMX)).text();
    expect(testid(amended, 'amend-answer')).toMatch(/^Amended/);
    // The box swapped in shows the amendment at once, with its confirm button.
    expect(amended).toContain('data-testid="confirm-amendment"');
    // Couriers wait for the confirmation.
    const held = await web.post(`/orders/${orderId}/shipments/${TOP}/dispatch`, {}, HTMX);
    expect(testid(await held.text(), 'courier-answer')).toBe('The customer amended the order: it waits for their confirmation');
    const pending = await waitFor(async () => (await web.get(`/orders/${orderId}`)).text(), (t) => t.includes('data-testid="confirm-amendment"'), 'the confirm button');
    expect(pending).toContain('data-testid="confirm-countdown"');
    const confirmed = await (await web.post(`/orders/${orderId}/confirm`, {}, HTMX)).text();
    expect(testid(confirmed, 'amend-answer')).toMatch(/^Confirmed/);
    expect(testid(confirmed, `order-shipment-${LEGS}`)).toMatch(/^Table Legs ×3/);
    expect(confirmed).toContain('data-testid="amendment-confirmed"');
    const twice = await web.post(`/orders/${orderId}/confirm`, {});
    expect(twice.status).toBe(409);
    expect((await shipments(orderId)).shipments.find((s) => s.item.id === LEGS)?.item.quantity).toBe(3);
    await workers.client.workflow.getHandle(`order-${orderId}`).terminate('test over');
  });

  it('cancels from the order page before the first dispatch: Canceled, the charge and the preparation undone', async () => {
    const orderId = await placeAndCharge();
    const cancelled = await web.post(`/orders/${orderId}/cancel`, {});
    expect(cancelled.status).toBe(303);
    const html = await waitFor(async () => (await web.get(`/orders/${orderId}`)).text(), (t) => t.includes('data-outcome="cancelled"'), 'the cancelled outcome');
    expect(testid(html, 'compensations-summary')).toMatch(/^Undo charge.*Undone.*Undo ship.*Undone/);
    expect((await workers.client.workflow.getHandle(`order-${orderId}`).describe()).status.name).toBe('CANCELLED');
  });

  it('shows an order cancelled by its confirmation timer as failed, with what was undone and why', async () => {
    const orderId = newOrderId();
    const handle = await workers.client.workflow.start(FULFILMENT_WORKFLOW_TYPE, {
      taskQueue: workers.config.taskQueue,
      workflowId: `order-${orderId}`,
      args: [{ OrderId: orderId, Address: '9 Courier Court', TimeScale: 0.05, HumanWaitSeconds: 0.5 }],
    });
    await waitFor(() => shipments(orderId), (s) => s.phase === 'awaiting-courier', 'the order to wait for couriers');
    expect((await api(`/api/orders/${orderId}/amend`, { items: [{ id: KEYPAD, quantity: 2 }] })).status).toBe(200);
    await handle.result().catch(() => undefined);
    const html = await waitFor(async () => (await web.get(`/orders/${orderId}`)).text(), (t) => t.includes('data-outcome="failed"'), 'the failed outcome');
    expect(testid(html, 'failure-message')).toMatch(/^The workflow failed: Cancelled automatically: The amended order was not confirmed within 1 s/);
    expect(testid(html, 'compensations-summary')).toMatch(/^Undo charge.*Undone.*Undo ship.*Undone/);
    expect(testid(html, 'what-happened')).toMatch(/Durable timers and the saga/);
  });

  it('shows the audience the board read-only and refuses its posts', async () => {
    const page = await shared.get('/courier', { host: 'demo.example:3000' });
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain('data-testid="dispatch-');
    const post = await shared.post(`/orders/123456/shipments/${TOP}/dispatch`, {}, { host: 'demo.example:3000', origin: 'http://demo.example:3000' });
    expect(post.status).toBe(403);
    const viaApi = await shared.app.request('/api/orders/123456/confirm', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', host: 'demo.example:3000' } });
    expect(viaApi.status).toBe(403);
  });
});

describe('Fulfilment JSON API', () => {
  it('places idempotently, dispatches and delivers, and answers the workflow\'s refusals with 409 and its reason', async () => {
    const orderId = newOrderId();
    expect((await api('/api/fulfilment/orders', { orderId })).status).toBe(201);
    expect((await api('/api/fulfilment/orders', { orderId })).status).toBe(200);
    await waitFor(() => shipments(orderId), (s) => s.phase === 'awaiting-courier', 'the order to wait for couriers');
    const early = await api(`/api/orders/${orderId}/shipments/${KEYPAD}/deliver`);
    expect(early.status).toBe(409);
    expect(await early.json()).toEqual({ error: 'Keypad has not been dispatched: a courier must dispatch it first' });
    const unknown = await api(`/api/orders/${orderId}/shipments/111/dispatch`);
    expect(unknown.status).toBe(409);
    expect(await unknown.json()).toEqual({ error: 'Item 111 is not in this order' });
    const ok = await api(`/api/orders/${orderId}/shipments/${KEYPAD}/dispatch`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ accepted: true });
    const amendLate = await api(`/api/orders/${orderId}/amend`, { items: [{ id: LEGS, quantity: 4 }] });
    expect(amendLate.status).toBe(409);
    expect(await amendLate.json()).toEqual({ error: 'A shipment has left: the order can no longer be amended' });
    const cancelLate = await api(`/api/orders/${orderId}/cancel`);
    expect(cancelLate.status).toBe(409);
    await workers.client.workflow.getHandle(`order-${orderId}`).terminate('test over');
  });

  it('answers bad input with 400 per field, 404, 409 for an order without couriers, 415 without JSON', async () => {
    const badItem = await api('/api/orders/123456/shipments/abc/dispatch');
    expect(badItem.status).toBe(400);
    expect(await badItem.json()).toMatchObject({ fields: { itemId: 'An item id is a number, such as 654321.' } });
    const badAmend = await api('/api/orders/123456/amend', { items: [{ id: LEGS, quantity: 100 }] });
    expect(badAmend.status).toBe(400);
    expect(await badAmend.json()).toMatchObject({ fields: { 'items.0.quantity': 'A whole number from 1 to 99.' } });
    const emptyAmend = await api('/api/orders/123456/amend', { items: [] });
    expect(await emptyAmend.json()).toMatchObject({ fields: { items: 'Name at least one item and its new quantity.' } });
    const badId = await api('/api/orders/abc/confirm');
    expect(badId.status).toBe(400);
    expect((await api(`/api/orders/${newOrderId()}/confirm`)).status).toBe(404);
    const plain = (await (await api('/api/orders', { scenario: 'HappyPath' })).json()) as { orderId: string };
    const notOurs = await api(`/api/orders/${plain.orderId}/shipments/${TOP}/dispatch`);
    expect(notOurs.status).toBe(409);
    expect(await notOurs.json()).toEqual({ error: 'This order has no couriers: only a Fulfilment with couriers order does.' });
    const form = await web.app.request(`/api/orders/${plain.orderId}/confirm`, { method: 'POST', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
  });

  it('documents the operations in the OpenAPI document', async () => {
    const doc = (await (await web.get('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    for (const path of ['/api/fulfilment/orders', '/api/orders/{orderId}/shipments', '/api/orders/{orderId}/shipments/{itemId}/dispatch', '/api/orders/{orderId}/shipments/{itemId}/deliver', '/api/orders/{orderId}/amend', '/api/orders/{orderId}/confirm']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
  });
});
