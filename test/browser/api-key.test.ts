/**
 * The API key panel in a real browser, as a presenter runs the offline rotation: revoke the worker's key
 * by clicking, watch the panel (refreshing itself) report rejected polls while an order waits, hand the
 * worker a new key by clicking, and watch the order complete. The worker runs in-process through the
 * key-checking gateway, with the control channel wired to its live connection.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { NativeConnection } from '@temporalio/worker';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runGateway, type RunningGateway } from '../../src/gateway/run.js';
import type { LoopbackServer } from '../../src/process/loopback-api.js';
import { createGatewayAdminClient, createWorkerControlClient, type IssuedKey } from '../../src/temporal/worker-control-client.js';
import { startControlServer } from '../../src/worker/control.js';
import { createOrdersWorker, type OrdersWorkerHandle } from '../../src/worker/orders-worker.js';
import { captureLogs, recordFetch } from '../support/capture.js';
import { testBundles } from '../support/bundles.js';
import { testConfig, uniqueTaskQueue } from '../support/env.js';
import { ensureRuntime } from '../support/workers.js';
import { startTestConsole, type TestConsole } from '../integration/web-support.js';
import { launchChromium } from './support/chromium.js';
import { freePort, listen } from './support/stack.js';
import { expectText, expectVisible, newTestPage, placeOrder } from './support/ui.js';

describe('API key panel in a browser', () => {
  const logs = captureLogs('browser-api-key');
  const fetches = recordFetch();
  const secret = randomBytes(24).toString('base64url');
  let port: number;
  let config: ReturnType<typeof testConfig>;
  let gw: RunningGateway;
  let a: IssuedKey;
  let connection: NativeConnection;
  let worker: OrdersWorkerHandle;
  let running: Promise<void>;
  let control: LoopbackServer;
  let web: TestConsole;
  let server: Server;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    port = await freePort();
    config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('browser-key'), ORDER_DEMO_TIME_SCALE: '0.2', WEB_PORT: String(port) });
    ensureRuntime(logs.logger);
    gw = await runGateway({ upstream: inject('temporalAddress'), listen: '127.0.0.1:0', adminAddress: '127.0.0.1:0', adminSecret: secret }, logs.logger);
    a = gw.keys.issue('orders-worker');
    connection = await NativeConnection.connect({ address: gw.gateway.address, apiKey: a.key, tls: false });
    worker = await createOrdersWorker({ config, connection, logger: logs.logger, workflowBundle: testBundles });
    running = worker.run();
    control = await startControlServer({
      address: '127.0.0.1:0',
      secret,
      logger: logs.logger,
      initialApiKey: a.key,
      handlers: {
        setApiKey: (key) => connection.setApiKey(key),
        deployFix: () => worker.redeploy({ fixed: true }),
        restoreBug: () => worker.redeploy({ fixed: false }),
        status: () => ({ fixDeployed: worker.fixed, pollRejections: { count: 0, lastAt: null } }),
      },
    });
    web = startTestConsole({
      config,
      workerKeys: createWorkerControlClient({ url: control.url, secret }),
      gatewayAdmin: createGatewayAdminClient({ url: gw.admin.url, secret }),
      logger: logs.logger,
    });
    server = await listen(web.app.fetch, port);
    url = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    fetches.restore();
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await web?.close();
    await control?.close();
    await worker?.shutdown();
    await running?.catch(() => undefined);
    await connection?.close();
    await gw?.close();
  });

  it('revoke, watch the order wait, issue a new key, watch it complete: all by clicking', async () => {
    const { page: panel, errors } = await newTestPage(browser, 'api-key-panel');
    await panel.goto(`${url}/api-key`);
    await expectText(panel.getByTestId('key-fingerprint'), `ending in ${a.fingerprint}`);
    await expectVisible(panel.locator('[data-testid="poll-state"][data-state="accepted"]'));

    await panel.getByTestId('revoke-key').click();
    await expectText(panel.getByTestId('key-result'), /is revoked/);
    await expectVisible(panel.locator(`[data-testid="key-row-${a.fingerprint}"][data-revoked="true"]`));
    // The status region refreshes itself: nobody reloads the page.
    await expectVisible(panel.locator('[data-testid="poll-state"][data-state="rejected"]'), 60_000);
    await expectVisible(panel.getByTestId('polls-rejected'));

    const { page: order } = await newTestPage(browser, 'api-key-order');
    const orderId = await placeOrder(order, url, 'HappyPath');
    // The worker cannot poll: the order is placed but nothing runs.
    await expectVisible(order.getByTestId('no-worker-banner'), 60_000);
    expect(await order.getByTestId('order-phase').getAttribute('data-phase')).toBe('running');
    expect(await order.getByTestId('step-CheckFraud').getAttribute('data-state')).not.toBe('completed');

    await panel.getByTestId('rotate-key').click();
    await expectText(panel.getByTestId('key-result'), /now uses the key ending in/);
    const fingerprint = await panel.getByTestId('key-fingerprint').getAttribute('data-fingerprint');
    expect(fingerprint).not.toBe(a.fingerprint);
    await expectVisible(panel.locator('[data-testid="poll-state"][data-state="accepted"]'), 60_000);

    await expectVisible(order.locator('[data-testid="outcome"][data-outcome="completed"]'), 90_000);
    await expectText(order.getByTestId('confirmation-order-id'), orderId);

    // No key string reached the browser, the logs or anything but the response that issued it.
    const b = fetches.responses.filter((r) => r.method === 'POST' && r.url.endsWith('/keys') && r.status === 201).map((r) => (JSON.parse(r.body) as IssuedKey).key);
    expect(b).toHaveLength(1);
    for (const html of [await panel.content(), await order.content()]) for (const key of [a.key, ...b, secret]) expect(html).not.toContain(key);
    for (const line of logs.lines) for (const key of [a.key, ...b, secret]) expect(line).not.toContain(key);
    expect(errors).toEqual([]);
  }, 240_000);
});
