/**
 * The cart against the real dev server and a real worker, through the console (pages and JSON API):
 * its content across three continue-as-new runs, 50 concurrent adds losing none, checkout exactly once
 * under a double click (also when the checkout itself made the cart continue as new), the workflow's
 * validators, the API's 4xx answers, and the audience's rate-limited adds to the room cart (and nothing else).
 */
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cartWorkflowId, type CartView } from '../../src/cart/api.js';
import { orderWorkflowId, type OrderResult } from '../../src/temporal/contract.js';
import { testConfig } from '../support/env.js';
import { newOrderId, startTestWorkers, waitFor } from '../support/workers.js';
import type { TestWorkers } from '../support/workers.js';
import { readEvents, startTestConsole, testid } from './web-support.js';
import type { TestConsole } from './web-support.js';

const PRESENTER_TOKEN = randomBytes(24).toString('base64url');
const EVERY = 5;
const [TOP, LEGS, KEYPAD] = [654300, 654321, 654322];

let workers: TestWorkers;
let web: TestConsole;
let shared: TestConsole;
let room: string;
let seq = 0;
const customer = (name: string) => `${name}-${process.pid}-${Date.now() % 100_000}-${++seq}`;

beforeAll(async () => {
  workers = await startTestWorkers({ name: 'cart' });
  room = customer('room');
  const base = { TEMPORAL_TASK_QUEUE: workers.config.taskQueue, ORDER_DEMO_TIME_SCALE: '0.05', ORDER_DEMO_CART_CONTINUE_EVERY: String(EVERY), ORDER_DEMO_ROOM_CART: room };
  web = startTestConsole({ config: testConfig(base) });
  shared = startTestConsole({ config: testConfig({ ...base, WEB_PUBLIC_URL: 'http://demo.example:3000', PRESENTER_TOKEN }) });
});
afterAll(async () => {
  await web?.close();
  await shared?.close();
  await workers?.stop();
});

const send = (console: TestConsole, path: string, body: unknown, headers: Record<string, string> = {}) =>
  console.app.request(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
const cartOf = async (customerId: string): Promise<CartView> => {
  const res = await web.get(`/api/carts/${customerId}`);
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as CartView;
};
const add = async (customerId: string, itemId: number, quantity = 1) => {
  const res = await send(web, `/api/carts/${customerId}/add`, { itemId, quantity });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as CartView;
};
const quantities = (cart: CartView) => Object.fromEntries(cart.items.map((l) => [l.id, l.quantity]));

describe('CartWorkflow', () => {
  it('keeps its content across three continue-as-new runs', async () => {
    const id = customer('three-runs');
    // 3 runs of EVERY changes each: adds, one partial remove, adds again.
    for (let i = 0; i < EVERY * 3; i += 1) {
      if (i === 7) {
        const res = await send(web, `/api/carts/${id}/remove`, { itemId: TOP, quantity: 1 });
        expect(res.status).toBe(200);
      } else await add(id, [TOP, LEGS, KEYPAD][i % 3]!, 1);
    }
    const cart = await waitFor(() => cartOf(id), (c) => c.run === 4, 'the fourth run');
    expect(cart).toMatchObject({ changes: 15, changesThisRun: 0, continueEvery: EVERY });
    // 15 changes: 14 adds (5 Table Tops, 4 Table Legs, 5 Keypads: i=7 is the remove) and one Table Top removed.
    expect(quantities(cart)).toEqual({ [TOP]: 4, [LEGS]: 4, [KEYPAD]: 5 });
    expect(cart.runs.map((r) => [r.run, r.changes, r.reason])).toEqual([[3, 15, 'changes'], [2, 10, 'changes'], [1, 5, 'changes']]);
    // Temporal's own record: three runs closed by continue-as-new, one running.
    const runs = await waitFor(
      async () => {
        const out: string[] = [];
        for await (const info of workers.client.workflow.list({ query: `WorkflowId = "${cartWorkflowId(id)}"` })) out.push(info.status.name);
        return out.sort();
      },
      (s) => s.length === 4,
      'four runs in visibility',
    );
    expect(runs).toEqual(['CONTINUED_AS_NEW', 'CONTINUED_AS_NEW', 'CONTINUED_AS_NEW', 'RUNNING']);
    // The new run's history is short: the state travelled in the input, not the events.
    expect(cart.historyLength).toBeLessThan(15);
  });

  it('loses none of 50 concurrent adds from 50 clients, across the runs they cause', async () => {
    const id = customer('fifty');
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => send(web, `/api/carts/${id}/add`, { itemId: [TOP, LEGS, KEYPAD][i % 3], quantity: 1 })));
    const refused = await Promise.all(answers.filter((r) => r.status !== 200).map(async (r) => `${r.status} ${await r.text()}`));
    expect(refused).toEqual([]);
    // A query may time out on two busy cores: read again.
    const cart = await waitFor(() => cartOf(id), () => true, 'the cart');
    // None lost, none applied twice (the server may redeliver an update completed with a continue-as-new).
    expect(cart.changes).toBe(50);
    expect(quantities(cart)).toEqual({ [TOP]: 17, [LEGS]: 17, [KEYPAD]: 16 });
    // Several updates can land in one workflow task, so a run may hold more than EVERY: at least 5 runs ended.
    expect(cart.runs.length).toBeGreaterThanOrEqual(5);
    expect(cart.runs.every((r) => r.reason === 'changes')).toBe(true);
  });

  it('checks out exactly once under a double click, starting a HappyPath order that carries the items', async () => {
    const id = customer('double');
    await add(id, LEGS, 2);
    await add(id, KEYPAD, 1);
    const orderId = newOrderId();
    // Two identical form posts at once: what a double click on "Check out" sends (the token is in the form).
    const [a, b] = await Promise.all([1, 2].map(() => web.post(`/shop/${id}/checkout`, { orderId }, { 'HX-Request': 'true' })));
    for (const res of [a!, b!]) {
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(testid(html, 'shop-answer')).toContain(`order ${orderId} started`);
    }
    const cart = await waitFor(() => cartOf(id), (c) => c.checkouts.length > 0, 'the checkout');
    expect(cart.items).toEqual([]);
    expect(cart.checkouts).toHaveLength(1);
    expect(cart.changes).toBe(3);
    const order = workers.client.workflow.getHandle(orderWorkflowId(orderId));
    const result = (await order.result()) as OrderResult;
    expect(result.trackingId).toBeTruthy();
    const started = await order.describe();
    expect(started.type).toBe('OrderWorkflowHappyPath');
    const input = (await order.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(defaultPayloadConverter.fromPayload(input!)).toMatchObject({ OrderId: orderId, CustomerId: id, CartItems: [{ id: LEGS, quantity: 2 }, { id: KEYPAD, quantity: 1 }] });
    // Sent again later (a retry): the same answer, no second order, no change.
    const again = await send(web, `/api/carts/${id}/checkout`, { orderId });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ orderId, items: [{ id: LEGS, quantity: 2 }, { id: KEYPAD, quantity: 1 }] });
    expect((await cartOf(id)).changes).toBe(3);
    // A new checkout of the now empty cart is refused by the validator.
    const empty = await send(web, `/api/carts/${id}/checkout`, { orderId: newOrderId() });
    expect(empty.status).toBe(422);
    expect(await empty.json()).toEqual({ error: 'The cart is empty: add an item before checking out.' });
  });

  it('answers a repeated checkout after the checkout itself made the cart continue as new', async () => {
    const id = customer('checkout-can');
    for (let i = 0; i < EVERY - 1; i += 1) await add(id, TOP);
    const orderId = newOrderId();
    const first = await send(web, `/api/carts/${id}/checkout`, { orderId });
    expect(first.status).toBe(200);
    await waitFor(() => cartOf(id), (c) => c.run === 2, 'the next run');
    // The new run has never seen this update id: its memory of checkouts answers it.
    const second = await send(web, `/api/carts/${id}/checkout`, { orderId });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ orderId, items: [{ id: TOP, quantity: EVERY - 1 }] });
    expect(await cartOf(id)).toMatchObject({ run: 2, changes: EVERY, items: [] });
  });

  it("refuses what its validators refuse, with their words, and records nothing for them", async () => {
    const id = customer('validators');
    await add(id, LEGS, 98);
    const cases: [string, Record<string, string>, string][] = [
      ['add', { itemId: '123', quantity: '1' }, 'Unknown item 123: the shop sells 654300 (Table Top), 654321 (Table Legs), 654322 (Keypad).'],
      ['add', { itemId: String(TOP), quantity: '0' }, 'Quantity must be a whole number from 1 to 99, got 0.'],
      ['add', { itemId: String(TOP), quantity: '100' }, 'Quantity must be a whole number from 1 to 99, got 100.'],
      ['add', { itemId: String(LEGS), quantity: '2' }, 'The cart holds at most 99 of an item: it has 98 Table Legs already.'],
      ['remove', { itemId: String(KEYPAD) }, 'There is no Keypad in the cart.'],
      ['remove', { itemId: String(LEGS), quantity: '99' }, 'The cart has only 98 Table Legs.'],
    ];
    for (const [action, form, message] of cases) {
      const htmx = await web.post(`/shop/${id}/${action}`, form, { 'HX-Request': 'true' });
      expect(testid(await htmx.text(), 'shop-answer'), `${action} ${JSON.stringify(form)}`).toBe(message);
      // Without JavaScript: an error page with the real status.
      const page = await web.post(`/shop/${id}/${action}`, form);
      expect(page.status).toBe(422);
    }
    expect(await cartOf(id)).toMatchObject({ changes: 1, items: [{ id: LEGS, quantity: 98 }] });
  });
});

describe('cart JSON API', () => {
  it('answers 4xx with a Problem: 400 per field, 404 no cart, 415 not JSON, 422 the validator', async () => {
    const id = customer('api');
    const expectProblem = async (res: Response, status: number, fields?: string[]) => {
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: string; fields?: Record<string, string> };
      expect(body.error).toBeTruthy();
      if (fields) expect(Object.keys(body.fields ?? {}).sort()).toEqual(fields.sort());
    };
    await expectProblem(await web.get('/api/carts/Not%20A%20Customer'), 400, ['customerId']);
    await expectProblem(await web.get(`/api/carts/${id}`), 404);
    await expectProblem(await send(web, `/api/carts/${id}/remove`, { itemId: TOP }), 404);
    await expectProblem(await send(web, `/api/carts/${id}/reset`, {}), 404);
    await expectProblem(await send(web, `/api/carts/${id}/add`, { itemId: 1, quantity: 0 }), 400, ['itemId', 'quantity']);
    await expectProblem(await send(web, `/api/carts/${id}/add`, { itemId: TOP, quantity: 1, price: 3 }), 400, ['(body)']);
    await expectProblem(await send(web, `/api/carts/${id}/add`, '{"itemId": 6543'), 400);
    await expectProblem(await send(web, `/api/carts/${id}/checkout`, { orderId: 'abc', address: '' }), 400, ['orderId', 'address']);
    await expectProblem(await web.app.request(`/api/carts/${id}/add`, { method: 'POST', body: 'itemId=654300', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
    await add(id, TOP, 99);
    await expectProblem(await send(web, `/api/carts/${id}/add`, { itemId: TOP, quantity: 1 }), 422);
    expect(await cartOf(id)).toMatchObject({ customerId: id, workflowId: cartWorkflowId(id), links: { page: `/shop/${id}` } });
    const reset = await send(web, `/api/carts/${id}/reset`, {});
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({ items: [], changes: 2 });
  });

  it('refuses a checkout whose order id is taken by another order, and keeps the items', async () => {
    const id = customer('taken');
    const orderId = newOrderId();
    expect((await send(web, '/api/orders', { scenario: 'HappyPath', orderId })).status).toBe(201);
    await add(id, TOP, 2);
    const refused = await send(web, `/api/carts/${id}/checkout`, { orderId });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toEqual({ error: `Order ${orderId} already exists: check out again with a new order id.` });
    expect(await cartOf(id)).toMatchObject({ changes: 1, checkouts: [], items: [{ id: TOP, quantity: 2 }] });
    const other = newOrderId();
    expect(await (await send(web, `/api/carts/${id}/checkout`, { orderId: other })).json()).toMatchObject({ orderId: other, items: [{ id: TOP, quantity: 2 }] });
  });

  it('is in the OpenAPI document, and takes changes only from the presenter when shared', async () => {
    const doc = (await (await web.get('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    for (const path of ['/api/carts/{customerId}', '/api/carts/{customerId}/add', '/api/carts/{customerId}/remove', '/api/carts/{customerId}/reset', '/api/carts/{customerId}/checkout']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    const id = customer('guarded');
    expect((await send(shared, `/api/carts/${id}/add`, { itemId: TOP, quantity: 1 })).status).toBe(403);
    expect((await send(shared, `/api/carts/${room}/add`, { itemId: TOP, quantity: 1 })).status).toBe(403);
    expect((await send(shared, `/api/carts/${id}/add`, { itemId: TOP, quantity: 1 }, { authorization: `Bearer ${PRESENTER_TOKEN}` })).status).toBe(200);
    expect((await shared.get(`/api/carts/${id}`)).status).toBe(200);
  });
});

describe('the room cart for the audience', () => {
  const from = (viewer: string) => ({ origin: 'http://demo.example:3000', host: 'demo.example:3000', cookie: `viewer=${viewer}` });

  it('lets an audience member add a few items per 10 s (429 after), and nothing else', async () => {
    const page = await shared.get('/shop', { host: 'demo.example:3000' });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-testid="add-form"');
    expect(html).not.toContain('data-testid="checkout-form"');
    expect(page.headers.get('set-cookie')).toMatch(/^viewer=/);

    const viewer = `v${Date.now()}`;
    for (let i = 0; i < 3; i += 1) {
      const res = await shared.post(`/shop/${room}/add`, { itemId: String(KEYPAD), quantity: '1' }, from(viewer));
      expect(res.status, `add ${i + 1}`).toBe(303);
    }
    const limited = await shared.post(`/shop/${room}/add`, { itemId: String(KEYPAD), quantity: '1' }, from(viewer));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.text()).toContain('3 adds per 10 s each');
    // With htmx the form comes back with the same refusal next to it.
    const htmx = await shared.post(`/shop/${room}/add`, { itemId: String(KEYPAD), quantity: '1' }, { ...from(viewer), 'HX-Request': 'true' });
    expect(testid(await htmx.text(), 'shop-answer')).toMatch(/^Easy there: 3 adds per 10 s each\. Try again in \d+ s\.$/);
    // Another viewer has a budget of their own.
    expect((await shared.post(`/shop/${room}/add`, { itemId: String(KEYPAD), quantity: '1' }, from(`${viewer}-2`))).status).toBe(303);
    expect((await cartOf(room)).items).toEqual([{ id: KEYPAD, description: 'Keypad', quantity: 4 }]);

    // Exactly that route: every other change, and an add to any other cart, needs the presenter.
    for (const path of [`/shop/${room}/remove`, `/shop/${room}/reset`, `/shop/${room}/checkout`, `/shop/someone-else/add`, `/shop/${room}/add/`]) {
      const res = await shared.post(path, { itemId: String(KEYPAD) }, from(`${viewer}-3`));
      expect(res.status, path).toBe(403);
    }
    // Another site's page cannot use it either.
    expect((await shared.post(`/shop/${room}/add`, { itemId: String(KEYPAD) }, { ...from(`${viewer}-4`), origin: 'http://evil.example' })).status).toBe(403);
    expect((await cartOf(room)).items).toEqual([{ id: KEYPAD, description: 'Keypad', quantity: 4 }]);
  });

  it('shows the presenter every form, and the room cart live on the page', async () => {
    const html = await (await web.get('/shop')).text();
    for (const form of ['add-form', 'remove-form', 'checkout-form', 'reset-form']) expect(html).toContain(`data-testid="${form}"`);
    expect(html).toContain(`sse-connect="/shop/${room}/events"`);
    expect(testid(html, 'cart-workflow-id')).toBe(cartWorkflowId(room));
  });

  it('streams the cart to every viewer as it changes and continues as new, from one follower', async () => {
    const id = customer('live');
    const viewers = await Promise.all([1, 2, 3].map(() => web.get(`/shop/${id}/events`)));
    const reads = viewers.map((res) =>
      readEvents(res, (events) => events.some((e) => e.event === 'cart' && testid(e.data, 'cart-continued') !== undefined)),
    );
    for (let i = 0; i < EVERY; i += 1) await add(id, LEGS);
    for (const { events } of await Promise.all(reads)) {
      const carts = events.filter((e) => e.event === 'cart').map((e) => e.data);
      expect(carts.length).toBeGreaterThan(1);
      const last = carts.at(-1)!;
      expect(testid(last, 'cart-run')).toBe('Run 2');
      expect(testid(last, 'cart-continued')).toContain('run 1 ended after 5 changes');
      expect(last).toContain(`data-testid="cart-line-${LEGS}" data-quantity="${EVERY}"`);
    }
  });
});
