/**
 * The JSON API against the real dev server and a real worker: place (idempotent on the order id), read,
 * change the address, cancel; every refusal a JSON Problem with the right status and, for a body that
 * does not fit, a message per field; the OpenAPI document; and, when the console is shared, changes only
 * from the presenter (PRESENTER_TOKEN as a bearer token), never from another site.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../support/env.js';
import { newOrderId, startTestWorkers, waitFor } from '../support/workers.js';
import type { TestWorkers } from '../support/workers.js';
import { startTestConsole } from './web-support.js';
import type { TestConsole } from './web-support.js';

const PRESENTER_TOKEN = randomBytes(24).toString('base64url');

let workers: TestWorkers;
let web: TestConsole;
let shared: TestConsole;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'api' });
  const base = { TEMPORAL_TASK_QUEUE: workers.config.taskQueue, ORDER_DEMO_TIME_SCALE: '0.05' };
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
const read = async (path: string) => {
  const res = await web.get(path);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('JSON API', () => {
  it('places an order once per order id, and reads it to its end', async () => {
    const orderId = newOrderId();
    const first = await send(web, '/api/orders', { scenario: 'HappyPath', orderId });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ orderId, workflowId: `order-${orderId}`, started: true, links: { page: `/orders/${orderId}` } });
    const again = await send(web, '/api/orders', { scenario: 'HappyPath', orderId });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ started: false });
    const done = await waitFor(() => read(`/api/orders/${orderId}`), (r) => r.body.phase === 'completed', 'the order to complete');
    expect(done.body).toMatchObject({ progress: 100, scenario: 'HappyPath', failure: null, result: { address: '123 Main St. Redwood, CA' } });
    expect((done.body.steps as { key: string; state: string }[]).every((s) => s.state === 'completed')).toBe(true);
  });

  it('changes the address of an order waiting for one: the validator\'s refusal is 422, a late one 409', async () => {
    const placed = (await (await send(web, '/api/orders', { scenario: 'HumanInLoopUpdate' })).json()) as { orderId: string };
    await waitFor(() => read(`/api/orders/${placed.orderId}`), (r) => r.body.awaitingAddress !== null, 'the wait for an address');
    const refused = await send(web, `/api/orders/${placed.orderId}/address`, { address: 'Main St without a number' });
    expect(refused.status).toBe(422);
    const taken = await send(web, `/api/orders/${placed.orderId}/address`, { address: '7 API Avenue' });
    expect(taken.status).toBe(200);
    expect(await taken.json()).toEqual({ accepted: true, message: 'Updated address: 7 API Avenue' });
    await waitFor(() => read(`/api/orders/${placed.orderId}`), (r) => r.body.phase === 'completed', 'the order to complete');
    const late = await send(web, `/api/orders/${placed.orderId}/address`, { address: '8 Late Lane' });
    expect(late.status).toBe(409);
  });

  it('cancels an order before it ships (202), and refuses once it has ended (409)', async () => {
    const placed = (await (await send(web, '/api/orders', { scenario: 'HumanInLoopSignal' })).json()) as { orderId: string };
    await waitFor(() => read(`/api/orders/${placed.orderId}`), (r) => r.body.awaitingAddress !== null, 'the wait for an address');
    const cancelled = await send(web, `/api/orders/${placed.orderId}/cancel`, {});
    expect(cancelled.status).toBe(202);
    const ended = await waitFor(() => read(`/api/orders/${placed.orderId}`), (r) => r.body.phase === 'cancelled', 'the cancellation');
    expect((ended.body.compensations as { key: string }[]).map((s) => s.key)).toEqual(['UndoChargeCustomer', 'UndoPrepareShipment']);
    const again = await send(web, `/api/orders/${placed.orderId}/cancel`, {});
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: 'The order has already ended.' });
  });

  it('answers bad requests with a JSON Problem, per field where a body does not fit', async () => {
    const bad = await send(web, '/api/orders', { scenario: 'Teleport', orderId: '12ab', address: '1 Main\u202e St', extra: true });
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { fields: Record<string, string> };
    expect(Object.keys(problem.fields).sort()).toEqual(['(body)', 'address', 'orderId', 'scenario']);
    expect(problem.fields.address).toContain('text-direction');
    expect((await send(web, '/api/orders', '{"scenario":')).status).toBe(400);
    expect((await send(web, '/api/orders', {}, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await read('/api/orders/12x')).status).toBe(400);
    expect(await read('/api/orders/999999999996')).toEqual({ status: 404, body: { error: 'There is no order 999999999996.' } });
  });

  it('describes itself in an OpenAPI document generated from the same schemas', async () => {
    const doc = (await (await web.get('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    // The order operations; extensions add their own (the fulfilment ones: test/integration/courier.test.ts).
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/orders', '/api/orders/{orderId}', '/api/orders/{orderId}/address', '/api/orders/{orderId}/cancel']));
    expect(JSON.stringify(doc.paths['/api/orders'])).toContain('PlaceOrder');
  });

  it('when shared with the room: reads for anyone, changes for the presenter\'s token only, never from another site', async () => {
    const orderId = newOrderId();
    const audience = await send(shared, '/api/orders', { scenario: 'HappyPath', orderId });
    expect(audience.status).toBe(403);
    const wrong = await send(shared, '/api/orders', { scenario: 'HappyPath', orderId }, { authorization: 'Bearer not-the-token' });
    expect(wrong.status).toBe(403);
    const otherSite = await send(shared, '/api/orders', { scenario: 'HappyPath', orderId }, { authorization: `Bearer ${PRESENTER_TOKEN}`, origin: 'http://evil.example' });
    expect(otherSite.status).toBe(403);
    const presenter = await send(shared, '/api/orders', { scenario: 'HappyPath', orderId }, { authorization: `Bearer ${PRESENTER_TOKEN}` });
    expect(presenter.status).toBe(201);
    expect((await shared.get(`/api/orders/${orderId}`)).status).toBe(200);
    // Only this order, the presenter's, was placed.
    expect((await read(`/api/orders/${orderId}`)).status).toBe(200);
  });
});
