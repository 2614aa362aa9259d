/**
 * The console's pages against the real dev server, without a worker: placing an order (idempotently),
 * bad input, escaping, security headers, error pages and the operations endpoints.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { DEFAULT_ADDRESS, SCENARIOS, orderWorkflowId } from '../../src/temporal/contract.js';
import { probePort } from '../../src/temporal/devserver.js';
import { testConfig, uniqueTaskQueue } from '../support/env.js';
import { newOrderId, waitFor } from '../support/workers.js';
import { metricValue, startTestConsole, testid, testidAttr } from './web-support.js';
import type { TestConsole } from './web-support.js';

const HOSTILE = `<script>alert("x")</script>'"&`;

let web: TestConsole;
let client: Client;
let connection: Connection;
beforeAll(async () => {
  // A task queue nobody polls: orders started here stay at their first workflow task.
  web = startTestConsole({ config: testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('web-pages') }) });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  await web?.close();
  await connection?.close();
});

describe('home page', () => {
  it('shows every scenario, the order summary and a fresh 6-digit order id, and needs no Temporal call', async () => {
    const res = await web.get('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const scenario of SCENARIOS) expect(html).toContain(`data-testid="place-order-${scenario}"`);
    expect(testid(html, 'scenario-APIFailure')).toMatch(/attempts 1–4 of ChargeCustomer fail/);
    expect(testid(html, 'items')).toMatch(/Table Top ×1 Table Legs ×2 Keypad ×1/);
    expect(testidAttr(html, 'address-input', 'value')).toBe(DEFAULT_ADDRESS);
    expect(testidAttr(html, 'order-id-input', 'value')).toMatch(/^\d{6}$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await metricValue(web.metrics, 'temporal_calls_total')).toBe(0);
  });

  it('sends security headers: a CSP without inline script or style, nosniff, a referrer policy', async () => {
    const res = await web.get('/');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // every script is a file
    expect(html).not.toMatch(/\sstyle="/);
  });

  it('serves its own assets (no CDN)', async () => {
    for (const path of ['/css/app.css', '/js/console.js']) {
      const res = await web.get(path);
      expect(res.status, path).toBe(200);
    }
    const html = await (await web.get('/')).text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});

describe('placing an order', () => {
  it('starts the workflow and redirects (303) to the order page; a double submit finds the same order', async () => {
    const orderId = newOrderId();
    const form = { scenario: 'HappyPath', orderId, address: '1 First St' };
    const first = await web.post('/orders', form);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(`/orders/${orderId}`);
    const { runId } = await client.workflow.getHandle(orderWorkflowId(orderId)).describe();

    // Double click, refresh, back button: the same form again, even with another scenario.
    const again = await Promise.all([web.post('/orders', form), web.post('/orders', { ...form, scenario: 'APIFailure' })]);
    for (const res of again) {
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/orders/${orderId}`);
    }
    expect((await client.workflow.getHandle(orderWorkflowId(orderId)).describe()).runId).toBe(runId);
    const runs = await waitFor(
      async () => {
        const ids: string[] = [];
        for await (const w of client.workflow.list({ query: `WorkflowId = "${orderWorkflowId(orderId)}"` })) ids.push(w.runId);
        return ids;
      },
      (ids) => ids.length > 0,
      'the order in visibility',
    );
    expect(runs).toEqual([runId]);
    expect(await metricValue(web.metrics, 'orders_started_total', { scenario: 'HappyPath' })).toBe(1);
  });

  it('shows the new order live: progress, steps, the stream and a Temporal UI link', async () => {
    const orderId = newOrderId();
    await web.post('/orders', { scenario: 'AdvancedVisibility', orderId, address: DEFAULT_ADDRESS });
    const res = await web.get(`/orders/${orderId}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(testidAttr(html, 'progress', 'value')).toBe('0');
    expect(testidAttr(html, 'order-phase', 'data-phase')).toBe('running');
    for (const step of ['CheckFraud', 'PrepareShipment', 'ChargeCustomer', 'ShipOrder-654300', 'ShipOrder-654321', 'ShipOrder-654322']) {
      expect(testidAttr(html, `step-${step}`, 'data-state'), step).toBe('pending');
    }
    // The stream is told what the page shows (region digests), so it does not send it again.
    expect(html).toMatch(new RegExp(`sse-connect="/orders/${orderId}/events\\?seen=[\\w-]+\\.[\\w-]+\\.[\\w-]+"`));
    expect(html).toContain('sse-close="done"');
    // The run's dev server has a UI, as npm start's does: the link must be there, to this very run's history.
    const ui = inject('temporalUiUrl');
    expect(ui).toMatch(/^http:\/\/localhost:\d+$/);
    expect(web.config.temporal.uiUrl).toBe(ui);
    const { runId } = await client.workflow.getHandle(orderWorkflowId(orderId)).describe();
    expect(testidAttr(html, 'temporal-ui-link', 'href')).toBe(`${ui}/namespaces/default/workflows/order-${orderId}/${runId}/history`);
  });

  it('re-renders the form with the values kept and errors next to the fields, without calling Temporal', async () => {
    const startsBefore = await metricValue(web.metrics, 'temporal_calls_total', { method: 'startWorkflow' });
    const cases = [
      { orderId: 'abc', address: DEFAULT_ADDRESS, field: 'order-id-error', text: /1 to 12 digits/ },
      { orderId: '123', address: '', field: 'address-error', text: /Enter an address/ },
      { orderId: '123', address: 'x'.repeat(201), field: 'address-error', text: /200 characters/ },
      { orderId: '123', address: '1 Main\nSt', field: 'address-error', text: /control characters/ },
    ];
    for (const c of cases) {
      const res = await web.post('/orders', { scenario: 'HappyPath', orderId: c.orderId, address: c.address });
      expect(res.status).toBe(422);
      const html = await res.text();
      expect(testid(html, c.field)).toMatch(c.text);
      expect(testidAttr(html, 'order-id-input', 'value')).toBe(c.orderId);
    }
    expect(await metricValue(web.metrics, 'temporal_calls_total', { method: 'startWorkflow' })).toBe(startsBefore);
  });

  it('escapes hostile text everywhere it is echoed', async () => {
    const scenario = await web.post('/orders', { scenario: HOSTILE, orderId: '1', address: DEFAULT_ADDRESS });
    expect(scenario.status).toBe(400);
    const form = await web.post('/orders', { scenario: 'HappyPath', orderId: HOSTILE, address: HOSTILE });
    expect(form.status).toBe(422);
    const filter = await web.get(`/orders?scenario=${encodeURIComponent(HOSTILE)}`);
    expect(filter.status).toBe(400);
    for (const res of [scenario, form, filter]) {
      const html = await res.text();
      expect(html).not.toContain('<script>alert');
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&quot;&amp;');
    }
  });

  it('refuses a form posted from another site', async () => {
    const res = await web.post('/orders', { scenario: 'HappyPath', orderId: '1', address: 'x' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('data-testid="error-page"');
  });
});

describe('error pages', () => {
  it('answers a malformed order id with 400, an unknown one with 404, an unknown path with 404', async () => {
    const malformed = await web.get('/orders/12ab');
    expect(malformed.status).toBe(400);
    const unknown = await web.get('/orders/999999999999');
    expect(unknown.status).toBe(404);
    expect(testid(await unknown.text(), 'error-message')).toBe('There is no order 999999999999.');
    const nowhere = await web.get('/no/such/page');
    expect(nowhere.status).toBe(404);
    expect(await nowhere.text()).toContain('data-testid="error-page"');
    expect((await web.get('/orders?status=Sideways')).status).toBe(400);
  });

  it('renders one friendly 500 page, without a stack trace, when a route throws', async () => {
    const logged: string[] = [];
    const logger = createLogger({ name: 'web-test', level: 'error', json: true, write: (line) => logged.push(line) });
    const broken = startTestConsole({ logger, newOrderId: () => { throw new Error('secret internals at /src/x.ts:1'); } });
    try {
      const res = await broken.get('/');
      expect(res.status).toBe(500);
      const html = await res.text();
      expect(testid(html, 'error-page')).toMatch(/Something went wrong/);
      expect(html).not.toContain('secret internals');
      expect(logged.join('\n')).toContain('secret internals'); // the presenter's terminal has it
    } finally {
      await broken.close();
    }
  });
});

describe('recent orders', () => {
  it('lists orders from visibility with scenario and status filters', async () => {
    const orderId = newOrderId();
    await web.post('/orders', { scenario: 'ChildWorkflow', orderId, address: DEFAULT_ADDRESS });
    const html = await waitFor(
      async () => (await web.get('/orders?scenario=ChildWorkflow&status=Running')).text(),
      (page) => page.includes(`order-row-order-${orderId}`),
      'the order in the filtered list',
    );
    expect(html).toContain(`href="/orders/${orderId}"`);
    expect(html).not.toContain('Happy path</td>');
    const { runId } = await client.workflow.getHandle(orderWorkflowId(orderId)).describe();
    expect(testidAttr(html, `ui-link-order-${orderId}`, 'href')).toBe(`${inject('temporalUiUrl')}/namespaces/default/workflows/order-${orderId}/${runId}/history`);
    const completed = await (await web.get('/orders?scenario=ChildWorkflow&status=Completed')).text();
    expect(completed).not.toContain(`order-row-order-${orderId}`);
    // Status names as people say them.
    expect(testid(html, `status-order-${orderId}`)).toBe('Running');
    expect(html).toMatch(/<option value="TimedOut"\s*>Timed out<\/option>/);
    expect(html).toMatch(/<option value="Canceled"\s*>Cancelled<\/option>/);
  });

  it('refreshes itself with the same filter: the page polls /orders/rows, which answers the rows alone', async () => {
    const orderId = newOrderId();
    await web.post('/orders', { scenario: 'NexusOperation', orderId, address: DEFAULT_ADDRESS });
    const html = await (await web.get('/orders?scenario=NexusOperation&status=Running')).text();
    expect(testidAttr(html, 'orders-rows', 'hx-get')).toBe('/orders/rows?scenario=NexusOperation&amp;status=Running');
    expect(testidAttr(html, 'orders-rows', 'hx-trigger')).toMatch(/^every \d+s$/);
    expect(testidAttr(await (await web.get('/orders')).text(), 'orders-rows', 'hx-get')).toBe('/orders/rows');

    const rows = await waitFor(
      async () => (await web.get('/orders/rows?scenario=NexusOperation&status=Running', { 'HX-Request': 'true' })).text(),
      (page) => page.includes(`order-row-order-${orderId}`),
      'the new order in the refreshed rows',
    );
    // The rows alone, with the page's links; no layout around them.
    expect(rows).not.toContain('<html');
    expect(rows).not.toContain('orders-filter');
    expect(testid(rows, `status-order-${orderId}`)).toBe('Running');
    expect(testidAttr(rows, `ui-link-order-${orderId}`, 'href')).toMatch(new RegExp(`/namespaces/default/workflows/order-${orderId}/`));
    const other = await (await web.get('/orders/rows?scenario=NexusOperation&status=Completed')).text();
    expect(other).not.toContain(`order-row-order-${orderId}`);
    expect((await web.get('/orders/rows?status=Sideways')).status).toBe(400);
  });

  it('shows a failed refresh in place (htmx swaps no 5xx), so the next one can put the rows back', async () => {
    // A port that was free a moment ago: nobody listens there.
    const port = await probePort(0);
    const lonely = startTestConsole({ address: `127.0.0.1:${port}`, timeoutMs: 1000 });
    try {
      const rows = await lonely.get('/orders/rows?scenario=HappyPath', { 'HX-Request': 'true' });
      expect(rows.status).toBe(200);
      expect(testid(await rows.text(), 'orders-error')).toMatch(/^The orders cannot be listed right now: /);
    } finally {
      await lonely.close();
    }
  });

  it('serves a room of open Recent orders pages from one visibility read', async () => {
    const lists = () => metricValue(web.metrics, 'temporal_calls_total', { method: 'listWorkflows' });
    const before = await lists();
    // A filter no other test reads, so nothing is cached for it yet.
    const pages = await Promise.all(Array.from({ length: 8 }, () => web.get('/orders/rows?scenario=APIKeyRotation&status=TimedOut')));
    expect(pages.map((res) => res.status)).toEqual(Array(8).fill(200));
    expect(await lists()).toBe(before + 1);
  });
});

describe('an order no worker picks up', () => {
  it('says "Waiting for a worker" in its status pill', async () => {
    const orderId = newOrderId();
    await web.post('/orders', { scenario: 'HappyPath', orderId, address: DEFAULT_ADDRESS });
    const html = await waitFor(
      async () => (await web.get(`/orders/${orderId}`)).text(),
      (page) => testidAttr(page, 'order-phase', 'data-status') === 'waiting-for-worker',
      'the pill saying no worker takes the order',
    );
    expect(testid(html, 'order-phase')).toBe('Waiting for a worker');
    expect(html).toContain('data-testid="no-worker-banner"');
  });
});

describe('operations endpoints', () => {
  it('exposes Prometheus metrics with the console prefix and route patterns', async () => {
    await web.get('/orders/123456');
    const res = await web.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^order_console_[a-z_]+(\{[^}]*\})? -?[0-9.e+-]+$|^order_console_[a-z_]+(\{[^}]*\})? (NaN|[+-]Inf)$/);
    }
    for (const name of ['http_request_duration_seconds', 'orders_started_total', 'orders_finished_total', 'sse_viewers', 'temporal_calls_total']) {
      expect(text).toContain(`# TYPE order_console_${name}`);
    }
    expect(text).toContain('route="/orders/:orderId"');
    expect(text).not.toContain('route="/orders/123456"');
  });

  it('is healthy and ready while the server answers', async () => {
    expect((await web.get('/healthz')).status).toBe(200);
    const ready = await web.get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect(await (await web.get('/status')).text()).not.toContain('server-down-banner');
  });

  it('runs the preflight checks against the server', async () => {
    const html = await (await web.get('/preflight')).text();
    for (const id of ['server', 'namespace', 'search-attribute', 'nexus-namespace', 'nexus-endpoint']) {
      expect(testidAttr(html, `check-${id}`, 'data-status'), id).toBe('ok');
    }
    // Nobody polls this suite's task queue: red, with the command that fixes it.
    expect(testidAttr(html, 'check-orders-workflow-worker', 'data-status')).toBe('fail');
    expect(testid(html, 'fix-orders-workflow-worker')).toBe('npm run worker');
  });
});
