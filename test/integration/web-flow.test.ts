/**
 * Every ending the room can see, with the real workers running the real scenarios (fast pace): the
 * console's pages and stream against orders that complete, fail, retry, wait for a person, get stuck
 * on a bug and recover when the fix is deployed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIMULATED_BUG_MESSAGE } from '../../src/temporal/contract.js';
import { resultOf, startTestWorkers, waitFor } from '../support/workers.js';
import type { TestWorkers } from '../support/workers.js';
import { metricValue, readEvents, startTestConsole, testid, testidAttr } from './web-support.js';
import type { TestConsole } from './web-support.js';

let workers: TestWorkers;
let web: TestConsole;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'web-flow', shipping: true });
  web = startTestConsole({ config: workers.config, pollIntervalMs: 50 });
});
afterAll(async () => {
  await web?.close();
  await workers?.stop();
});

const idOf = (workflowId: string) => workflowId.slice('order-'.length);
const page = async (orderId: string) => (await web.get(`/orders/${orderId}`)).text();
const htmx = { 'HX-Request': 'true' };

describe('orders that end well', () => {
  it('streams a HappyPath order from start to the confirmation, then closes the stream', async () => {
    const handle = await workers.startOrder('HappyPath', { Address: '42 Wallaby Way', TimeScale: 0.2 });
    const orderId = idOf(handle.workflowId);
    // Three browsers on the same order: one poller, one finished order counted.
    const streams = await Promise.all([1, 2, 3].map(() => web.get(`/orders/${orderId}/events`)));
    const [first, ...others] = await Promise.all(streams.map((res) => readEvents(res, () => false, 30_000)));
    const { trackingId } = await resultOf(handle);

    expect(first!.ended).toBe(true);
    expect(first!.events.at(-1)).toEqual({ event: 'done', data: 'completed' });
    const seen = first!.events.filter((e) => e.event === 'progress').map((e) => Number(testidAttr(e.data, 'progress', 'value')));
    expect(seen.at(-1)).toBe(100);
    expect(seen).toEqual([...seen].sort((a, b) => a - b)); // never goes backwards
    expect(new Set(seen).size).toBeGreaterThan(2);
    const panel = first!.events.filter((e) => e.event === 'panel').at(-1)!.data;
    expect(testid(panel, 'tracking-id')).toBe(trackingId);
    expect(testid(panel, 'final-address')).toBe('42 Wallaby Way');
    for (const other of others) expect(other.events.at(-1)?.event).toBe('done');
    expect(await metricValue(web.metrics, 'orders_finished_total', { scenario: 'HappyPath', outcome: 'completed' })).toBe(1);
    expect(await metricValue(web.metrics, 'sse_viewers')).toBe(0);

    const html = await page(orderId);
    expect(testid(html, 'tracking-id')).toBe(trackingId);
    expect(html).toContain('data-testid="place-another"');
    for (const step of ['CheckFraud', 'PrepareShipment', 'ChargeCustomer', 'ShipOrder-654300', 'ShipOrder-654321', 'ShipOrder-654322']) {
      expect(testidAttr(html, `step-${step}`, 'data-state'), step).toBe('completed');
    }
  });

  it('shows the attempt on which ChargeCustomer finally succeeded (APIFailure)', async () => {
    const handle = await workers.startOrder('APIFailure');
    await handle.result();
    const html = await page(idOf(handle.workflowId));
    expect(testidAttr(html, 'outcome', 'data-outcome')).toBe('completed');
    expect(testid(html, 'attempt-ChargeCustomer')).toBe('attempt 5');
  });

  it('shows the OrderStatus search attribute (AdvancedVisibility)', async () => {
    const handle = await workers.startOrder('AdvancedVisibility');
    await handle.result();
    expect(testid(await page(idOf(handle.workflowId)), 'order-status')).toBe('Order Completed');
  });

  it('links each shipment to its child workflow, or to the workflow its Nexus operation started', async () => {
    const child = await workers.startOrder('ChildWorkflow');
    const nexus = await workers.startOrder('NexusOperation');
    await Promise.all([child.result(), nexus.result()]);
    const childPage = await page(idOf(child.workflowId));
    expect(testid(childPage, 'via-ShipOrder-654321')).toBe(`shipment-${idOf(child.workflowId)}-654321`);
    const nexusPage = await page(idOf(nexus.workflowId));
    expect(testidAttr(nexusPage, 'step-ShipOrder-654322', 'data-state')).toBe('completed');
    expect(testid(nexusPage, 'via-ShipOrder-654322')).toBe(`shipment-${idOf(nexus.workflowId)}-654322`);
    expect(nexusPage).toContain(workers.config.nexus.handler.namespace);
  });
});

describe('an order that fails', () => {
  it('shows the failure and the compensations that ran (NonRecoverableFailure)', async () => {
    const handle = await workers.startOrder('NonRecoverableFailure');
    await expect(handle.result()).rejects.toThrow();
    const html = await page(idOf(handle.workflowId));
    expect(testidAttr(html, 'outcome', 'data-outcome')).toBe('failed');
    expect(testid(html, 'failure-message')).toMatch(/declined.*InvalidCreditCard/);
    expect(testidAttr(html, 'step-ChargeCustomer', 'data-state')).toBe('failed');
    expect(testidAttr(html, 'step-UndoChargeCustomer', 'data-state')).toBe('completed');
    expect(testidAttr(html, 'step-UndoPrepareShipment', 'data-state')).toBe('completed');
    expect(testid(html, 'compensations-summary')).toMatch(/Undo charge.*Undo shipment preparation/);
  });
});

describe('an order that is cancelled', () => {
  it('shows the cancellation and the compensations that ran', async () => {
    const handle = await workers.startOrder('HumanInLoopSignal', { HumanWaitSeconds: 60 });
    const orderId = idOf(handle.workflowId);
    await waitFor(() => page(orderId), (html) => html.includes('data-testid="address-form"'), 'the address form');
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    const html = await waitFor(() => page(orderId), (p) => p.includes('data-outcome='), 'the ending');
    expect(testidAttr(html, 'outcome', 'data-outcome')).toBe('cancelled');
    expect(testidAttr(html, 'step-UndoChargeCustomer', 'data-state')).toBe('completed');
  });
});

describe('a person in the loop', () => {
  const waiting = (orderId: string) =>
    waitFor(() => page(orderId), (html) => html.includes('data-testid="address-form"'), 'the address form');

  it('update: checks the address first, shows the validator rejection next to the field, then the answer', async () => {
    const handle = await workers.startOrder('HumanInLoopUpdate', { HumanWaitSeconds: 60 });
    const orderId = idOf(handle.workflowId);
    const html = await waiting(orderId);
    const deadline = Number(testidAttr(html, 'countdown', 'data-deadline'));
    expect(deadline - Date.now()).toBeGreaterThan(40_000);
    expect(deadline - Date.now()).toBeLessThan(65_000);

    const updates = () => metricValue(web.metrics, 'temporal_calls_total', { method: 'updateWorkflow' });
    const blank = await (await web.post(`/orders/${orderId}/address`, { address: '  ' }, htmx)).text();
    expect(testid(blank, 'address-error')).toMatch(/Enter an address/);
    expect(await updates()).toBe(0);

    const rejected = await (await web.post(`/orders/${orderId}/address`, { address: 'Elm <Street>' }, htmx)).text();
    expect(testid(rejected, 'address-error')).toBe('Address must start with a digit');
    expect(testidAttr(rejected, 'new-address-input', 'value')).toBe('Elm &lt;Street&gt;');
    expect(await updates()).toBe(1);

    const accepted = await (await web.post(`/orders/${orderId}/address`, { address: '9 Elm St' }, htmx)).text();
    expect(testid(accepted, 'address-result')).toBe('Updated address: 9 Elm St');
    expect(await resultOf(handle)).toMatchObject({ address: '9 Elm St' });
    expect(testid(await page(orderId), 'final-address')).toBe('9 Elm St');
  });

  it('signal: acknowledges it, and without JavaScript the form redirects back to the order', async () => {
    const handle = await workers.startOrder('HumanInLoopSignal', { HumanWaitSeconds: 60 });
    const orderId = idOf(handle.workflowId);
    await waiting(orderId);
    const plain = await web.post(`/orders/${orderId}/address`, { address: '1 Main\u0007St' });
    expect(plain.status).toBe(422); // a full page, with the error next to the field
    expect(testid(await plain.text(), 'address-error')).toMatch(/control characters/);
    const sent = await web.post(`/orders/${orderId}/address`, { address: '7 Signal Way' });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`/orders/${orderId}`);
    expect(await resultOf(handle)).toMatchObject({ address: '7 Signal Way' });
    const html = await page(orderId);
    expect(testid(html, 'final-address')).toBe('7 Signal Way');
  });

  it('works the same with a worker that only answers the contract query (getProgress)', async () => {
    // Another language's worker has no getOrderState: progress comes from getProgress, the deadline from
    // the wait's timer in the history.
    const contractOnly = startTestConsole({
      config: workers.config,
      wrapClient: (real) => ({ ...real, namespace: real.namespace, queryOrderState: async () => 'unsupported' as const }),
    });
    try {
      const handle = await workers.startOrder('HumanInLoopUpdate', { HumanWaitSeconds: 30 });
      const orderId = idOf(handle.workflowId);
      const html = await waitFor(async () => (await contractOnly.get(`/orders/${orderId}`)).text(), (p) => p.includes('address-form'), 'the form');
      expect(testidAttr(html, 'progress', 'value')).toBe('75');
      const deadline = Number(testidAttr(html, 'countdown', 'data-deadline'));
      expect(deadline - Date.now()).toBeGreaterThan(20_000);
      expect(deadline - Date.now()).toBeLessThan(31_000);
      expect(await metricValue(contractOnly.metrics, 'temporal_calls_total', { method: 'queryProgress' })).toBeGreaterThan(0);
      const accepted = await (await contractOnly.post(`/orders/${orderId}/address`, { address: '3 Polyglot Pl' }, htmx)).text();
      expect(testid(accepted, 'address-result')).toBe('Updated address: 3 Polyglot Pl');
      await handle.result();
    } finally {
      await contractOnly.close();
    }
  });

  it('says so when the wait is over', async () => {
    const handle = await workers.startOrder('HumanInLoopSignal', { HumanWaitSeconds: 0.2 });
    const { address } = await resultOf(handle);
    const late = await (await web.post(`/orders/${idOf(handle.workflowId)}/address`, { address: '8 Late Ln' }, htmx)).text();
    expect(testid(late, 'address-error')).toMatch(/not waiting for a new address/);
    expect(testid(await page(idOf(handle.workflowId)), 'final-address')).toBe(address);
  });
});

describe('a workflow stuck on a bug (RecoverableFailure)', () => {
  it('shows the failing workflow task and how to deploy the fix; the button is disabled without a control channel', async () => {
    const handle = await workers.startOrder('RecoverableFailure');
    const orderId = idOf(handle.workflowId);
    const html = await waitFor(() => page(orderId), (p) => p.includes('data-testid="stuck-banner"'), 'the stuck banner');
    expect(testid(html, 'stuck-message')).toBe(SIMULATED_BUG_MESSAGE);
    expect(testid(html, 'fix-command')).toBe('ORDER_DEMO_FIX_DEPLOYED=true npm start');
    expect(testidAttr(html, 'order-phase', 'data-phase')).toBe('running');
    expect(/data-testid="deploy-fix"[^>]*disabled/.test(html)).toBe(true);
    const res = await web.post('/worker/deploy-fix', { orderId });
    expect(res.status).toBe(501);
    expect(testid(await res.text(), 'deploy-fix-result')).toMatch(/ORDER_DEMO_FIX_DEPLOYED=true npm start/);
    await handle.terminate('test over');
  });

  it('completes once the fix is deployed from the console', async () => {
    const fixWorkers = await startTestWorkers({ name: 'web-fix' });
    const fixWeb = startTestConsole({ config: fixWorkers.config, workerControl: { deployFix: () => fixWorkers.orders.redeploy({ fixed: true }) } });
    try {
      const handle = await fixWorkers.startOrder('RecoverableFailure');
      const orderId = idOf(handle.workflowId);
      const stuck = await waitFor(async () => (await fixWeb.get(`/orders/${orderId}`)).text(), (p) => p.includes('stuck-banner'), 'stuck');
      expect(/data-testid="deploy-fix"[^>]*disabled/.test(stuck)).toBe(false);
      const deployed = await fixWeb.post('/worker/deploy-fix', { orderId }, htmx);
      expect(deployed.status).toBe(200);
      expect(testid(await deployed.text(), 'deploy-fix-result')).toMatch(/Fix deployed/);
      await resultOf(handle);
      const html = await (await fixWeb.get(`/orders/${orderId}`)).text();
      expect(testidAttr(html, 'outcome', 'data-outcome')).toBe('completed');
    } finally {
      await fixWeb.close();
      await fixWorkers.stop();
    }
  });
});
