/**
 * API-key rotation end to end, as a presenter runs it offline: the key-checking gateway in front of the
 * run's dev server, the REAL orders worker entry point as a child process holding key A, and the console
 * wired to the gateway's admin API and the worker's control channel. A HappyPath order stalls when the
 * console revokes A, and completes once the console hands the worker key B, with no restart. Also: the
 * Cloud-mode paste form, the cross-site guard, a wrong control secret, and the operator page with real
 * worker metrics. No key string may appear in any page, URL or log line.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runGateway, type RunningGateway } from '../../src/gateway/run.js';
import { orderWorkflowId, workflowTypeOf } from '../../src/temporal/contract.js';
import { createGatewayAdminClient, createWorkerControlClient, type IssuedKey } from '../../src/temporal/worker-control-client.js';
import { captureLogs, eventually, recordFetch } from '../support/capture.js';
import { testConfig, uniqueTaskQueue } from '../support/env.js';
import { historyOf } from '../support/history.js';
import { FAST, newOrderId } from '../support/workers.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { ORIGIN, startTestConsole, testid, testidAttr, type TestConsole } from './web-support.js';

const htmx = { 'HX-Request': 'true' };
const PROGRESS_EVENTS = new Set(['ActivityTaskCompleted', 'WorkflowTaskCompleted']);

describe('rotating the worker\'s API key from the console', () => {
  const consoleLogs = captureLogs('web');
  const gatewayLogs = captureLogs('gateway');
  const fetches = recordFetch();
  const controlSecret = randomBytes(24).toString('base64url');
  const adminSecret = randomBytes(24).toString('base64url');
  const wrongSecret = randomBytes(24).toString('base64url');
  const taskQueue = uniqueTaskQueue('rotation');
  const secrets: string[] = [controlSecret, adminSecret, wrongSecret];
  const pages: string[] = []; // every body the console answered, and every Location it sent
  let gw: RunningGateway;
  let a: IssuedKey;
  let worker: WorkerProcess;
  let controlUrl: string;
  let metricsAddress: string;
  let web: TestConsole;
  let connection: Connection;
  let client: Client;

  /** The console's answer, recorded for the leak check. */
  const read = async (res: Response | Promise<Response>): Promise<{ status: number; html: string; location: string | null }> => {
    const r = await res;
    const html = await r.text();
    pages.push(html, r.headers.get('location') ?? '');
    return { status: r.status, html, location: r.headers.get('location') };
  };
  const panel = async () => (await read(web.get('/api-key/status', htmx))).html;
  /** Keys the gateway issued through its admin API (to the console): the only place the test sees them. */
  const issuedThroughAdmin = (): IssuedKey[] =>
    fetches.responses.filter((r) => r.method === 'POST' && r.url.endsWith('/keys') && r.status === 201).map((r) => JSON.parse(r.body) as IssuedKey);

  beforeAll(async () => {
    gw = await runGateway({ upstream: inject('temporalAddress'), listen: '127.0.0.1:0', adminAddress: '127.0.0.1:0', adminSecret }, gatewayLogs.logger);
    // As the launcher does: the orders worker gets a key of its own.
    a = gw.keys.issue('orders-worker');
    secrets.push(a.key);
    // The real entry point, through the gateway, with its own key: what `npm start` runs.
    worker = await startWorkerProcess({ temporalAddress: gw.gateway.address, apiKey: a.key, controlSecret, taskQueue, timeoutMs: 180_000 });
    controlUrl = worker.controlUrl;
    metricsAddress = worker.metricsAddress;
    web = startTestConsole({
      config: testConfig({ TEMPORAL_TASK_QUEUE: taskQueue, WORKER_METRICS_ADDRESS: metricsAddress }),
      workerKeys: createWorkerControlClient({ url: controlUrl, secret: controlSecret }),
      gatewayAdmin: createGatewayAdminClient({ url: gw.admin.url, secret: adminSecret }),
      logger: consoleLogs.logger,
    });
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
  }, 240_000);

  afterAll(async () => {
    fetches.restore();
    await web?.close();
    await worker?.stop();
    await connection?.close();
    await gw?.close();
  });

  it('shows the worker\'s key by its last 4 characters, accepted, among the gateway\'s keys', async () => {
    const { status, html } = await read(web.get('/api-key'));
    expect(status).toBe(200);
    expect(testidAttr(html, 'key-mode', 'data-mode')).toBe('gateway');
    expect(testidAttr(html, 'key-fingerprint', 'data-fingerprint')).toBe(a.fingerprint);
    expect(testidAttr(html, 'poll-state', 'data-state')).toBe('accepted');
    expect(testidAttr(html, `key-row-${a.fingerprint}`, 'data-current')).toBe('true');
    expect(html).toContain('data-testid="rotate-key"');
    expect(html).not.toContain('data-testid="new-key-input"'); // pasting is for Temporal Cloud
    // A page first rendered without buttons (worker unreachable then) is reloaded whole once the worker answers.
    const stale = await web.get('/api-key/status?actions=0', htmx);
    expect(stale.headers.get('hx-refresh')).toBe('true');
    expect(stale.headers.get('cache-control')).toBe('no-store');
  });

  it('without the control channel\'s secret, says how to connect it and refuses actions', async () => {
    const bare = startTestConsole({ config: web.config, logger: consoleLogs.logger });
    try {
      const { html } = await read(bare.get('/api-key'));
      expect(testidAttr(html, 'key-unavailable', 'data-reason')).toBe('not-connected');
      expect(testid(html, 'key-unavailable')).toMatch(/WORKER_CONTROL_SECRET/);
      const refused = await read(bare.post('/api-key/revoke', {}));
      expect(refused.status).toBe(409);
      expect(testid(refused.html, 'key-result')).toMatch(/not connected/);
    } finally {
      await bare.close();
    }
  });

  it('revoke A: the order stalls and the panel reports rejected polls; issue B: the order completes, no restart', async () => {
    const orderId = newOrderId();
    const placed = await read(web.post('/orders', { scenario: 'HappyPath', orderId, address: '1 Rotation Row' }));
    expect(placed.status).toBe(303);
    const handle = client.workflow.getHandle(orderWorkflowId(orderId));
    await eventually('the worker to check the order for fraud, through the gateway with key A', async () => {
      const { html } = await read(web.get(`/orders/${orderId}`));
      return testidAttr(html, 'step-CheckFraud', 'data-state') === 'completed';
    });

    const revoked = await read(web.post('/api-key/revoke', {}, htmx));
    expect(testidAttr(revoked.html, 'key-result', 'data-ok'), testid(revoked.html, 'key-result')).toBe('true');
    expect(gw.keys.get(a.id)!.revokedAt).not.toBeNull();
    const rejected = await eventually('the panel to report rejected polls', async () => {
      const html = await panel();
      return testidAttr(html, 'poll-state', 'data-state') === 'rejected' ? html : undefined;
    }, 60_000, 500);
    expect(rejected).toContain('data-testid="polls-rejected"');

    // Stalled: while the worker keeps polling (and being refused), the order makes no progress at all.
    const progress = async () => (await historyOf(handle)).filter((e) => PROGRESS_EVENTS.has(e.type)).length;
    const before = await progress();
    const refused = gw.keys.get(a.id)!.rejected;
    await eventually('the worker to keep trying with the revoked key', () => gw.keys.get(a.id)!.rejected >= refused + 3, 90_000, 500);
    expect(await progress()).toBe(before);
    expect((await handle.describe()).status.name).toBe('RUNNING');

    const rotated = await read(web.post('/api-key/rotate', { revokeOld: 'on' }, htmx));
    expect(testidAttr(rotated.html, 'key-result', 'data-ok'), testid(rotated.html, 'key-result')).toBe('true');
    const [b] = issuedThroughAdmin();
    expect(b).toBeDefined();
    secrets.push(b!.key);
    // The status region comes back out of band with the new key.
    expect(testidAttr(rotated.html, 'key-fingerprint', 'data-fingerprint')).toBe(b!.fingerprint);

    expect(await handle.result()).toMatchObject({ address: '1 Rotation Row' });
    const done = await read(web.get(`/orders/${orderId}`));
    expect(testidAttr(done.html, 'outcome', 'data-outcome')).toBe('completed');
    const after = (await eventually('the panel to show polls accepted again', async () => {
      const html = await panel();
      return testidAttr(html, 'poll-state', 'data-state') === 'accepted' ? html : undefined;
    }))!;
    expect(testidAttr(after, `key-row-${b!.fingerprint}`, 'data-current')).toBe('true');
    expect(testidAttr(after, `key-row-${a.fingerprint}`, 'data-revoked')).toBe('true');
    expect(gw.keys.get(b!.id)!.accepted).toBeGreaterThan(0);
  }, 240_000);

  it('refuses actions from another site, non-form posts, and has no GET that changes anything', async () => {
    const [b] = issuedThroughAdmin();
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const post = (headers: Record<string, string>, body = '') => read(web.app.request('/api-key/revoke', { method: 'POST', body, headers }));
    expect((await post({ ...form, origin: 'https://evil.example' })).status).toBe(403);
    expect((await post({ ...form, origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post(form)).status).toBe(403); // no Origin, no Sec-Fetch-Site: not provably ours
    expect((await post({})).status).toBe(403); // no content type counts as text/plain, a form type
    expect((await post({ 'content-type': 'application/json', origin: ORIGIN }, '{}')).status).toBe(415);
    for (const path of ['/api-key/revoke', '/api-key/rotate', '/api-key/set']) expect((await read(web.get(path))).status).toBe(405);
    expect(gw.keys.get(b!.id)!.revokedAt).toBeNull();
    expect(issuedThroughAdmin()).toHaveLength(1);
  });

  it('with a wrong control secret, the worker refuses and the console says so without quoting either secret', async () => {
    const wrong = createWorkerControlClient({ url: controlUrl, secret: wrongSecret });
    await expect(wrong.status()).rejects.toMatchObject({ status: 401, code: 'unproven-peer' });
    const misconfigured = startTestConsole({ config: web.config, workerKeys: wrong, gatewayAdmin: createGatewayAdminClient({ url: gw.admin.url, secret: adminSecret }), logger: consoleLogs.logger });
    try {
      const { html } = await read(misconfigured.get('/api-key'));
      expect(testidAttr(html, 'key-unavailable', 'data-reason')).toBe('unreachable');
      expect(testid(html, 'key-unavailable')).toMatch(/401.*do not share the same secret/);
      const refused = await read(misconfigured.post('/api-key/revoke', {}));
      expect(refused.status).toBe(502);
      expect(testid(refused.html, 'key-result')).toMatch(/Revoking the key failed: .*401/);
    } finally {
      await misconfigured.close();
    }
  });

  it('Cloud mode: a pasted key is checked, never echoed back, and handed to the worker', async () => {
    const cloud = startTestConsole({ config: web.config, workerKeys: createWorkerControlClient({ url: controlUrl, secret: controlSecret }), logger: consoleLogs.logger });
    try {
      const page = await read(cloud.get('/api-key'));
      expect(testidAttr(page.html, 'key-mode', 'data-mode')).toBe('cloud');
      expect(page.html).not.toContain('data-testid="rotate-key"');
      const junk = () => randomBytes(24).toString('base64url');
      const bad: [string, RegExp][] = [
        ['', /empty/],
        [`${junk()} ${junk()}`, /spaces/],
        [`${junk()}\n${junk()}`, /control characters/],
        [`${junk()}\u0007`, /control characters/],
        [junk().repeat(300), /longer than any API key/],
      ];
      for (const [key, message] of bad) {
        secrets.push(key.trim());
        for (const headers of [{}, htmx]) {
          const { status, html } = await read(cloud.post('/api-key/set', { key }, headers));
          expect(status).toBe('HX-Request' in headers ? 200 : 422);
          expect(testid(html, 'key-error')).toMatch(message);
          expect(testidAttr(html, 'new-key-input', 'value')).toBeUndefined();
          if (key.trim()) expect(html).not.toContain(key.trim().slice(0, 20));
        }
      }
      // A key created in Temporal Cloud, played here by one the gateway issues out of band.
      const c = gw.keys.issue('created in the Cloud UI');
      secrets.push(c.key);
      const set = await read(cloud.post('/api-key/set', { key: `  ${c.key}  ` }));
      expect(set.status).toBe(303);
      expect(set.location).toBe('/api-key?done=set');
      const after = await read(cloud.get(set.location!));
      expect(testidAttr(after.html, 'key-result', 'data-ok')).toBe('true');
      expect(testidAttr(after.html, 'key-fingerprint', 'data-fingerprint')).toBe(c.fingerprint);
      // Then, as in Cloud, the old key is revoked: the worker's polls still open with it end, and it polls with the new one.
      gw.keys.revoke(issuedThroughAdmin()[0]!.id);
      await eventually('the worker to use the pasted key', () => gw.keys.get(c.id)!.accepted > 0);

      // Revoke in Cloud mode: the worker drops its key for a placeholder the server refuses, and the panel
      // reads the refusals from the worker itself (no gateway to ask). An order placed now ends the worker's
      // open workflow poll, so its next poll carries the placeholder. Pasting a key again lets the order finish.
      const dropped = await read(cloud.post('/api-key/revoke', {}));
      expect(dropped.status).toBe(303);
      const orderId = newOrderId();
      const handle = await client.workflow.start(workflowTypeOf('HappyPath'), {
        taskQueue, workflowId: orderWorkflowId(orderId), args: [{ OrderId: orderId, Address: '2 Cloud Close', TimeScale: FAST }],
      });
      const rejected = await eventually('the panel to report the worker\'s refused polls', async () => {
        const html = (await read(cloud.get('/api-key/status', htmx))).html;
        return testidAttr(html, 'poll-state', 'data-state') === 'rejected' ? html : undefined;
      }, 90_000, 500);
      expect(testidAttr(rejected!, 'key-fingerprint', 'data-fingerprint')).toBe('');
      expect(Number(testid(rejected!, 'worker-rejections'))).toBeGreaterThan(0);
      expect((await read(cloud.post('/api-key/set', { key: c.key }))).status).toBe(303);
      expect(await handle.result()).toMatchObject({ address: '2 Cloud Close' });
    } finally {
      await cloud.close();
    }
  });

  it('operator page: counts the order, sees the worker polling, and counts retries from the worker\'s metrics', async () => {
    const { html } = await read(web.get('/operator')); // also the first sample of the retries window
    expect(Number(testid(html, 'completed-HappyPath'))).toBeGreaterThanOrEqual(1);
    expect(html).toContain('data-testid="retries-window"');
    expect(html).not.toContain('data-testid="worker-metrics-unreachable"');
    expect(Number(testidAttr(html, `pollers-${taskQueue}-workflow`, 'data-count'))).toBeGreaterThanOrEqual(1);
    expect(Number(testidAttr(html, `pollers-${taskQueue}-activity`, 'data-count'))).toBeGreaterThanOrEqual(1);

    // APIFailure: ChargeCustomer fails attempts 1 to 4, each one retried (fast pace).
    const orderId = newOrderId();
    const handle = await client.workflow.start(workflowTypeOf('APIFailure'), {
      taskQueue, workflowId: orderWorkflowId(orderId), args: [{ OrderId: orderId, Address: '1 Retry Rd', TimeScale: FAST }],
    });
    await handle.result();
    const after = await eventually('the operator page to count the retries', async () => {
      const page = (await read(web.get('/operator/figures', htmx))).html;
      return Number(testid(page, 'retries-APIFailure')) >= 4 ? page : undefined;
    }, 30_000, 500);
    expect(testid(after!, 'retries-series')).toMatch(/ChargeCustomer \(APIFailure\): \d+/);
  });

  it('never puts a key or a secret in a page, a URL or a log line (console, gateway, worker)', () => {
    expect(secrets.length).toBeGreaterThanOrEqual(10);
    expect(consoleLogs.lines.some((l) => l.includes('rotated to a new API key'))).toBe(true);
    const workerOutput = worker.output;
    expect(workerOutput.some((l) => l.includes('rotated'))).toBe(true);
    const texts = [...pages, ...consoleLogs.lines, ...gatewayLogs.lines, ...workerOutput];
    for (const text of texts) for (const secret of secrets) if (secret) expect(text).not.toContain(secret);
  });
});
