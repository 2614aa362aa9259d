/**
 * Every ending the room can see, with the real workers running the real scenarios (fast pace): the
 * console's pages and stream against orders that complete, fail, retry, wait for a person, get stuck
 * on a bug and recover when the fix is deployed.
 */
import { readFileSync } from 'node:fs';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_FAILURE_MESSAGE, SIMULATED_BUG_MESSAGE } from '../../src/temporal/contract.js';
import { SCENARIO_CARDS } from '../../src/web/scenarios.js';
import { testConfig } from '../support/env.js';
import { FAST, newOrderId, resultOf, startTestWorkers, waitFor } from '../support/workers.js';
import type { TestWorkers } from '../support/workers.js';
import { ORIGIN, metricValue, readEvents, startTestConsole, startTestWorkerControl, testid, testidAttr } from './web-support.js';
import type { TestConsole } from './web-support.js';

let workers: TestWorkers;
let web: TestConsole;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'web-flow', shipping: true });
  web = startTestConsole({ config: workers.config, recheckMs: 50 });
});
afterAll(async () => {
  await web?.close();
  await workers?.stop();
});

const idOf = (workflowId: string) => workflowId.slice('order-'.length);
const page = async (orderId: string) => (await web.get(`/orders/${orderId}`)).text();
const htmx = { 'HX-Request': 'true' };
/** A scenario's "What just happened" line as the page's HTML carries it (escaped, as testid() reads it). */
const happened = (scenario: string) =>
  (SCENARIO_CARDS.find((card) => card.name === scenario)?.happened ?? '').replace(/&/g, '&amp;').replace(/'/g, '&#39;').replace(/"/g, '&quot;');

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
    expect(testid(html, 'what-happened')).toBe(`What just happened. ${happened('HappyPath')}`);
    expect(testidAttr(html, 'order-phase', 'data-status')).toBe('completed');
    expect(testid(html, 'order-phase')).toBe('Completed');
    expect(testidAttr(html, 'progress', 'data-tone')).toBe('ok');
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
    expect(testid(html, 'what-happened')).toBe(`What just happened. ${happened('APIFailure')}`);
  });

  it('while ChargeCustomer waits to retry: "Retrying", the last failure and "next attempt in N s" to the server\'s own schedule (APIFailure)', async () => {
    // Demo pace: the retries wait 1, 2, 4 and 8 s, long enough to read the page during one.
    const handle = await workers.startOrder('APIFailure', { TimeScale: 1 });
    const orderId = idOf(handle.workflowId);
    const pending = async () => (await handle.describe()).raw.pendingActivities?.find((a) => a.activityType?.name === 'ChargeCustomer');
    // The page and describe() read until they agree on one wait: the page's countdown is the pending retry's schedule.
    const { html, retry } = await waitFor(
      async () => ({ html: await page(orderId), retry: await pending() }),
      ({ html, retry }) => html.includes('data-testid="next-attempt-ChargeCustomer"') && retry?.nextAttemptScheduleTime != null &&
        Number(testidAttr(html, 'next-attempt-ChargeCustomer', 'data-deadline')) === optionalTsToMs(retry.nextAttemptScheduleTime),
      'a page showing the pending retry',
    );
    expect(testidAttr(html, 'step-ChargeCustomer', 'data-state')).toBe('retrying');
    expect(testid(html, 'attempt-ChargeCustomer')).toBe(`attempt ${retry!.attempt}`);
    expect(testid(html, 'failure-ChargeCustomer')).toBe(`Last failure: ${API_FAILURE_MESSAGE}`);
    expect(testid(html, 'next-attempt-ChargeCustomer')).toMatch(/^next attempt (in \d+ s|any moment now)$/);
    expect(testidAttr(html, 'next-attempt-ChargeCustomer', 'data-deadline-format')).toBe('next attempt in {s} s');
    expect(testidAttr(html, 'order-phase', 'data-status')).toBe('retrying');
    expect(testid(html, 'order-phase')).toBe('Retrying');
    await handle.terminate('test over');
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
    // What failed and why, in plain words: the step and the card's error, not the SDK's "Activity task failed".
    expect(testid(html, 'failure-message')).toBe('Charge customer failed: Invalid credit card number: the payment was declined InvalidCreditCard');
    expect(testid(html, 'failure-why')).toBe('The error (InvalidCreditCard) is marked non-retryable, so Temporal did not try again.');
    expect(html).not.toContain('Activity task failed');
    expect(testidAttr(html, 'step-ChargeCustomer', 'data-state')).toBe('failed');
    // Undo steps read as undos, not as green "Done".
    expect(testidAttr(html, 'step-UndoChargeCustomer', 'data-state')).toBe('completed');
    expect(testid(html, 'step-state-UndoChargeCustomer')).toBe('Undone');
    expect(testidAttr(html, 'step-UndoPrepareShipment', 'data-state')).toBe('completed');
    expect(html).toMatch(/class="step step-completed step-undo" data-testid="step-UndoChargeCustomer"/);
    expect(testid(html, 'compensations-summary')).toMatch(/^Undo charge \(refund\): Undone\s*Undo shipment preparation: Undone$/);
    // A red bar and a red pill.
    expect(testidAttr(html, 'progress', 'data-tone')).toBe('danger');
    expect(testidAttr(html, 'order-phase', 'data-status')).toBe('failed');
    expect(testid(html, 'what-happened')).toBe(`What just happened. ${happened('NonRecoverableFailure')}`);
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

  it('cancels from the console while the order waits: Canceled in Temporal, the charge and the preparation undone', async () => {
    const handle = await workers.startOrder('HumanInLoopSignal', { HumanWaitSeconds: 60 });
    const orderId = idOf(handle.workflowId);
    const waiting = await waitFor(() => page(orderId), (html) => html.includes('data-testid="address-form"'), 'the address form');
    expect(testidAttr(waiting, 'cancel-box', 'data-cancel')).toBe('available');
    const res = await web.post(`/orders/${orderId}/cancel`, {}, { 'HX-Request': 'true' });
    expect(res.status).toBe(200);
    expect(testid(await res.text(), 'cancel-answer')).toBe('Cancellation sent to Temporal.');
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    const html = await waitFor(() => page(orderId), (p) => p.includes('data-outcome='), 'the ending');
    expect(testidAttr(html, 'outcome', 'data-outcome')).toBe('cancelled');
    const undone = testid(html, 'compensations-summary') ?? '';
    expect(undone).toMatch(/^Undo charge \(refund\): Undone\s*Undo shipment preparation: Undone$/);
    // A second press, now that it has ended: refused with the reason, nothing sent.
    const again = await web.post(`/orders/${orderId}/cancel`, {});
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('The order has already ended.');
  });

  it('refuses once the items ship, with the reason, and the order completes', async () => {
    const handle = await workers.startOrder('HappyPath', { TimeScale: 1 });
    const orderId = idOf(handle.workflowId);
    const html = await waitFor(() => page(orderId), (p) => testidAttr(p, 'cancel-box', 'data-cancel') === 'refused', 'shipping to start', 60_000);
    expect(testid(html, 'cancel-refused')).toContain('can no longer be cancelled once shipping has started');
    expect(html).not.toContain('data-testid="cancel-order"');
    const res = await web.post(`/orders/${orderId}/cancel`, {});
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('shipping has started');
    await handle.result();
  });

  it('answers a cancel for no such order or a malformed id with a page, never a stack trace', async () => {
    expect((await web.post('/orders/999999999997/cancel', {})).status).toBe(404);
    expect((await web.post('/orders/12x/cancel', {})).status).toBe(400);
  });
});

describe('a person in the loop', () => {
  const waiting = (orderId: string) =>
    waitFor(() => page(orderId), (html) => html.includes('data-testid="address-form"'), 'the address form');

  it('update: checks the address first, shows the validator rejection next to the field, then the answer', async () => {
    const handle = await workers.startOrder('HumanInLoopUpdate', { HumanWaitSeconds: 60 });
    const orderId = idOf(handle.workflowId);
    const html = await waiting(orderId);
    expect(testidAttr(html, 'order-phase', 'data-status')).toBe('waiting-for-you');
    expect(testid(html, 'order-phase')).toBe('Waiting for you');
    const deadline = Number(testidAttr(html, 'countdown', 'data-deadline'));
    expect(deadline - Date.now()).toBeGreaterThan(40_000);
    expect(deadline - Date.now()).toBeLessThan(65_000);

    const updates = () => metricValue(web.metrics, 'temporal_calls_total', { method: 'updateWorkflow' });
    const blank = await (await web.post(`/orders/${orderId}/address`, { address: '  ' }, htmx)).text();
    expect(testid(blank, 'address-error')).toMatch(/Enter an address/);
    // The console's own check, not the workflow's.
    expect(blank).not.toContain('address-rejected-by');
    expect(await updates()).toBe(0);

    const rejected = await (await web.post(`/orders/${orderId}/address`, { address: 'Elm <Street>' }, htmx)).text();
    // The workflow's own validator said no, and the page says it was the workflow.
    expect(testid(rejected, 'address-rejected-by')).toBe("The workflow's update validator rejected this address:");
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
    const html = await page(idOf(handle.workflowId));
    expect(testid(html, 'final-address')).toBe(address);
    // The wait's timer fired: the room is told, and the outcome names the feature it showed.
    expect(testid(html, 'address-timed-out')).toBe('Timer fired: no new address within 0.2 s, so it shipped to the original address.');
    expect(testid(html, 'what-happened')).toMatch(/^What just happened\. Durable timers: the workflow waited 0\.2 s for a person/);
  });
});

describe('a workflow stuck on a bug (RecoverableFailure)', () => {
  it('says where the code threw and how often Temporal retries; without a control channel it says how to deploy the fix by hand', async () => {
    const handle = await workers.startOrder('RecoverableFailure', {}, { workflowTaskTimeout: '2s' });
    const orderId = idOf(handle.workflowId);
    const html = await waitFor(() => page(orderId), (p) => p.includes('data-testid="stuck-banner"'), 'the stuck banner');
    expect(testid(html, 'stuck-message')).toBe(SIMULATED_BUG_MESSAGE);
    expect(testid(html, 'stuck-where')).toBe(`line ${bugLine()} of recoverable-failure.ts`);
    expect(testid(html, 'retry-every')).toBe('2 s');
    expect(testid(html, 'stuck-title')).toBe('Stuck: a bug in the workflow code');
    expect(testidAttr(html, 'order-phase', 'data-phase')).toBe('running');
    expect(testidAttr(html, 'order-phase', 'data-status')).toBe('stuck');
    expect(testid(html, 'order-phase')).toBe('Stuck: bug in the code');
    // Any worker: no button without our control channel, and more than one way to deploy the fixed code.
    expect(html).not.toContain('data-testid="deploy-fix"');
    expect(testid(html, 'deploy-fix-manual')).toMatch(/ORDER_DEMO_FIX_DEPLOYED=true npm start.*another language/);
    expect(testid(html, 'fix-command')).toBe('ORDER_DEMO_FIX_DEPLOYED=true npm start');

    const deploy = await web.post('/worker/deploy-fix', { orderId });
    expect(deploy.status).toBe(501);
    expect(testid(await deploy.text(), 'deploy-fix-result')).toMatch(/no control channel.*Deploy the fixed worker code yourself/);
    const restore = await web.post('/worker/restore-bug', { orderId });
    expect(restore.status).toBe(501);
    expect(testid(await restore.text(), 'deploy-fix-result')).toMatch(/without ORDER_DEMO_FIX_DEPLOYED/);
    await handle.terminate('test over');
  });

  it('refuses anything but a form post from the console itself', async () => {
    const json = await web.app.request('/worker/deploy-fix', {
      method: 'POST', body: '{}', headers: { 'content-type': 'application/json', origin: ORIGIN },
    });
    expect(json.status).toBe(415);
    const foreign = await web.post('/worker/restore-bug', {}, { origin: 'https://elsewhere.example' });
    expect(foreign.status).toBe(403);
  });

  describe('with the worker\'s control channel', () => {
    let fixWorkers: TestWorkers;
    let channel: Awaited<ReturnType<typeof startTestWorkerControl>>;
    let fixWeb: TestConsole;
    beforeAll(async () => {
      fixWorkers = await startTestWorkers({ name: 'web-fix' });
      channel = await startTestWorkerControl(fixWorkers.orders);
      // The console starts the orders here, at a fast pace, as a presenter's click would.
      const config = testConfig({ TEMPORAL_TASK_QUEUE: fixWorkers.config.taskQueue, ORDER_DEMO_TIME_SCALE: String(FAST) });
      fixWeb = startTestConsole({ config, workerControl: channel.control });
    });
    afterAll(async () => {
      await fixWeb?.close();
      await channel?.close();
      await fixWorkers?.stop();
    });
    const fixPage = async (orderId: string) => (await fixWeb.get(`/orders/${orderId}`)).text();
    const stuckPage = (orderId: string) => waitFor(() => fixPage(orderId), (p) => p.includes('data-testid="stuck-banner"'), `order ${orderId} stuck`);
    const placeOrder = async () => {
      const orderId = newOrderId();
      const placed = await fixWeb.post('/orders', { scenario: 'RecoverableFailure', orderId, address: '3 Bug St' });
      expect(placed.status).toBe(303);
      return orderId;
    };

    it('deploys the fix once, never offers it again while the order waits for its retry, and the order completes', async () => {
      // Placed from the console: a short workflow task timeout, so the order retries every 2 s however long it is stuck.
      const quick = await placeOrder();
      const quickHandle = fixWorkers.client.workflow.getHandle(`order-${quick}`);
      expect((await quickHandle.describe()).raw.executionConfig?.defaultWorkflowTaskTimeout?.seconds?.toString()).toBe('2');
      // Started elsewhere with a long task timeout: its current attempt outlasts the test, so it stays stuck after the deploy.
      const slow = await fixWorkers.startOrder('RecoverableFailure', { Address: '4 Slow St' }, { workflowTaskTimeout: '60s' });
      const slowId = idOf(slow.workflowId);

      const before = await stuckPage(quick);
      expect(testid(before, 'retry-every')).toBe('2 s');
      expect(testidAttr(before, 'stuck-banner', 'data-fix')).toBe('not-deployed');
      expect(before).toContain('data-testid="deploy-fix"');
      expect(testid(await stuckPage(slowId), 'retry-every')).toBe('60 s');

      // htmx gets the order's panel as it stands now: still stuck (its attempt runs out later), the fix deployed.
      const deployed = await fixWeb.post('/worker/deploy-fix', { orderId: slowId }, htmx);
      expect(deployed.status).toBe(200);
      const panel = await deployed.text();
      expect(testidAttr(panel, 'stuck-banner', 'data-fix')).toBe('deployed');
      const title = testid(panel, 'stuck-title') ?? '';
      expect(title).toMatch(/^Fix deployed: waiting for the next retry, in about \d+ s$/);
      expect(Number(/in about (\d+) s/.exec(title)?.[1])).toBeLessThanOrEqual(60);
      expect(panel).not.toContain('data-testid="deploy-fix"');
      expect(testid(panel, 'deploy-fix-result')).toBe('Fix deployed: the worker runs the fixed code now.');
      expect(fixWorkers.orders.fixed).toBe(true);

      // The page, and a second click from a page that still had the button: no second deploy.
      const waiting = await fixPage(slowId);
      expect(testidAttr(waiting, 'stuck-banner', 'data-fix')).toBe('deployed');
      expect(testid(waiting, 'stuck-title')).toMatch(/^Fix deployed: waiting for the next retry, (in about \d+ s|any moment now)$/);
      expect(waiting).not.toContain('data-testid="deploy-fix"');
      const again = await fixWeb.post('/worker/deploy-fix', { orderId: slowId }, htmx);
      expect(testid(await again.text(), 'deploy-fix-result')).toBe('The fix is already deployed: nothing was redeployed.');
      const noScript = await fixWeb.post('/worker/deploy-fix', { orderId: slowId });
      expect(noScript.status).toBe(200);
      expect(testid(await noScript.text(), 'deploy-fix-result')).toMatch(/^The fix is already deployed: waiting for the next retry, (in about \d+ s|any moment now); then the workflow replays its history on the fixed code/);

      // The order placed from the console resumes at its next 2 s retry, on the fixed code.
      expect(await resultOf(quickHandle)).toMatchObject({ address: '3 Bug St' });
      const done = await fixPage(quick);
      expect(testidAttr(done, 'outcome', 'data-outcome')).toBe('completed');
      expect(done).toContain('data-testid="restore-bug"');
      await slow.terminate('test over');
    });

    it('restores the bug for the next rehearsal, once: the next order is stuck again and offers Deploy fix', async () => {
      await fixWeb.post('/worker/deploy-fix', { orderId: '' }, htmx);
      expect(fixWorkers.orders.fixed).toBe(true);
      // Two clicks at once (two browsers): one restores, the other finds it done.
      const answers = await Promise.all([1, 2].map(async () => {
        const res = await fixWeb.post('/worker/restore-bug', { orderId: '' }, htmx);
        expect(res.status).toBe(200);
        return testid(await res.text(), 'deploy-fix-result') ?? '';
      }));
      expect(answers.map((a) => a.split(':')[0]).sort()).toEqual(['Bug restored', 'The bug is already back']);
      expect(fixWorkers.orders.fixed).toBe(false);
      const again = await fixWeb.post('/worker/restore-bug', {});
      expect(again.status).toBe(200);
      expect(testid(await again.text(), 'deploy-fix-result')).toMatch(/^The bug is already back: the worker runs the original code/);

      const orderId = await placeOrder();
      const html = await stuckPage(orderId);
      expect(testidAttr(html, 'stuck-banner', 'data-fix')).toBe('not-deployed');
      expect(html).toContain('data-testid="deploy-fix"');
      await fixWorkers.client.workflow.getHandle(`order-${orderId}`).terminate('test over');
    });
  });
});

/** The line of the workflow source that throws the simulated bug, as the banner must name it. */
function bugLine(): number {
  const source = readFileSync(new URL('../../src/workflows/recoverable-failure.ts', import.meta.url), 'utf8').split('\n');
  return source.findIndex((line) => line.includes('throw new Error(SIMULATED_BUG_MESSAGE)')) + 1;
}
