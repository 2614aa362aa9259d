import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopback, isTemporalCloud, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to a local dev server started by the launcher', () => {
    const config = loadConfig({});
    expect(config.temporal.external).toBe(false);
    expect(config.temporal.namespace).toBe('default');
    expect(config.taskQueue).toBe('orders');
    expect(config.nexus).toMatchObject({ endpoint: 'shipping-endpoint', taskQueue: 'shipping' });
    expect(config.nexus.handler.namespace).toBe('nexus-demo');
    expect(config.temporal.uiUrl).toBe('http://localhost:8233');
  });

  it('runs the embedded database unless DATABASE_URL names one; a bad URL is refused without being quoted', () => {
    expect(loadConfig({}).database).toEqual({ url: undefined, pglite: { port: 5433, dataDir: '.data/pglite' } });
    expect(loadConfig({ DATABASE_URL: 'postgres://u:pw@db:5432/orders' }).database.url).toBe('postgres://u:pw@db:5432/orders');
    for (const bad of ['mysql://u:s3cretpw@db/x', 'not a url s3cretpw']) {
      const err = (() => {
        try {
          loadConfig({ DATABASE_URL: bad });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(err).toBeInstanceOf(ConfigError);
      expect(err?.message).toContain('DATABASE_URL must be a PostgreSQL URL');
      expect(err?.message).not.toContain('s3cretpw');
    }
  });

  it('uses the server named by the standard variables and starts none', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'k3y-value' });
    expect(config.temporal).toMatchObject({ external: true, address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct', apiKey: 'k3y-value', tls: true });
  });

  it('keeps a plaintext connection for an API key against a loopback server', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7234', TEMPORAL_API_KEY: 'k3y-value' });
    expect(config.temporal.tls).toBe(false);
  });

  it('lets the Nexus handler use its own namespace and key', () => {
    const config = loadConfig({ TEMPORAL_NEXUS_NAMESPACE: 'shipping-ns', TEMPORAL_NEXUS_API_KEY: 'other-key', TEMPORAL_ADDRESS: 'x:1' });
    expect(config.nexus.handler).toMatchObject({ namespace: 'shipping-ns', apiKey: 'other-key' });
  });

  it('sizes the workers for activities that only wait, workflow code on the main thread', () => {
    expect(loadConfig({}).worker.tuning).toEqual({ activitySlots: 1000, workflowTaskSlots: 10, workflowThread: 'main', workflowStackTraces: true });
    const tuned = loadConfig({ WORKER_ACTIVITY_SLOTS: '200', WORKER_WORKFLOW_TASK_SLOTS: '40', WORKER_WORKFLOW_THREAD: 'thread', WORKER_WORKFLOW_STACK_TRACES: 'false' }).worker.tuning;
    expect(tuned).toEqual({ activitySlots: 200, workflowTaskSlots: 40, workflowThread: 'thread', workflowStackTraces: false });
    expect(() => loadConfig({ WORKER_ACTIVITY_SLOTS: '1.5' })).toThrow(/WORKER_ACTIVITY_SLOTS/);
    expect(() => loadConfig({ WORKER_WORKFLOW_TASK_SLOTS: '1' })).toThrow(/WORKER_WORKFLOW_TASK_SLOTS/);
    expect(() => loadConfig({ WORKER_WORKFLOW_THREAD: 'both' })).toThrow(/WORKER_WORKFLOW_THREAD/);
  });

  it('fails fast with a message naming the variable', () => {
    expect(() => loadConfig({ WEB_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEB_PORT: 'eighty' })).toThrow(/WEB_PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ ORDER_DEMO_FIX_DEPLOYED: 'maybe' })).toThrow(/ORDER_DEMO_FIX_DEPLOYED/);
    expect(() => loadConfig({ ORDER_DEMO_TIME_SCALE: '6' })).toThrow(/ORDER_DEMO_TIME_SCALE/);
    expect(() => loadConfig({ ORDER_DEMO_DEPLOYMENT: 'order.demo' })).toThrow(/ORDER_DEMO_DEPLOYMENT/);
    expect(() => loadConfig({ ORDER_DEMO_VERSIONING: 'perhaps' })).toThrow(/ORDER_DEMO_VERSIONING/);
    expect(loadConfig({}).versioning).toEqual({ enabled: true, deploymentName: 'order-demo' });
    expect(loadConfig({ ORDER_DEMO_VERSIONING: 'false', ORDER_DEMO_DEPLOYMENT: 'rehearsal_2' }).versioning).toEqual({ enabled: false, deploymentName: 'rehearsal_2' });
    expect(loadConfig({ ORDER_DEMO_TIME_SCALE: '2' }).web.timeScale).toBe(2);
    expect(loadConfig({ ORDER_DEMO_TIME_SCALE: '0.05' }).web.timeScale).toBe(0.05);
  });

  it('continues carts as new every 10 changes unless told otherwise, and refuses a count that is not one', () => {
    expect(loadConfig({}).cart).toEqual({ continueEvery: 10, roomCustomer: 'room' });
    expect(() => loadConfig({ ORDER_DEMO_ROOM_CART: 'The Room' })).toThrow(/ORDER_DEMO_ROOM_CART/);
    expect(loadConfig({ ORDER_DEMO_CART_CONTINUE_EVERY: '3' }).cart.continueEvery).toBe(3);
    for (const bad of ['0', '2.5', 'ten', '1001']) expect(() => loadConfig({ ORDER_DEMO_CART_CONTINUE_EVERY: bad })).toThrow(/ORDER_DEMO_CART_CONTINUE_EVERY/);
  });

  it('gives each worker process its own metrics and health addresses, and checks the metrics ones', () => {
    const config = loadConfig({});
    expect(config.worker).toMatchObject({ metricsAddress: '127.0.0.1:9464', controlAddress: '127.0.0.1:9465' });
    expect(config.shippingWorker).toEqual({ metricsAddress: '127.0.0.1:9466', healthAddress: '127.0.0.1:9467' });
    const custom = loadConfig({ SHIPPING_WORKER_METRICS_ADDRESS: '[::1]:19466', SHIPPING_WORKER_HEALTH_ADDRESS: 'localhost:19467' });
    expect(custom.shippingWorker).toEqual({ metricsAddress: '[::1]:19466', healthAddress: 'localhost:19467' });
    // The SDK's exporter binds IP addresses only, and the worker reads its own metrics back: no port 0.
    expect(() => loadConfig({ WORKER_METRICS_ADDRESS: 'localhost:9464' })).toThrow(/WORKER_METRICS_ADDRESS/);
    expect(() => loadConfig({ SHIPPING_WORKER_METRICS_ADDRESS: '127.0.0.1:0' })).toThrow(/SHIPPING_WORKER_METRICS_ADDRESS/);
    expect(() => loadConfig({ WORKER_METRICS_ADDRESS: '127.0.0.1' })).toThrow(ConfigError);
  });

  it('recognises loopback addresses', () => {
    expect(isLoopback('localhost:7233')).toBe(true);
    expect(isLoopback('127.0.0.1:1')).toBe(true);
    expect(isLoopback('[::1]:7233')).toBe(true);
    expect(isLoopback('example.com:7233')).toBe(false);
  });
});

describe('Temporal Web UI URL (links from the console)', () => {
  const uiUrl = (env: Record<string, string>) => loadConfig(env).temporal.uiUrl;

  it("is the dev server's UI when the launcher runs one, on TEMPORAL_DEV_UI_PORT", () => {
    expect(uiUrl({})).toBe('http://localhost:8233');
    expect(uiUrl({ TEMPORAL_DEV_UI_PORT: '18233' })).toBe('http://localhost:18233');
  });

  it('is what npm start hands every child: the dev server address plus TEMPORAL_UI_URL', () => {
    // The launcher's children see the dev server as a configured address, so only TEMPORAL_UI_URL links the UI.
    expect(uiUrl({ TEMPORAL_ADDRESS: '127.0.0.1:7233', TEMPORAL_UI_URL: 'http://localhost:8233' })).toBe('http://localhost:8233');
  });

  it("is Temporal Cloud's UI for a Cloud address, mTLS or API key, from the variables or a profile", () => {
    expect(uiUrl({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct' })).toBe('https://cloud.temporal.io');
    expect(uiUrl({ TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233', TEMPORAL_API_KEY: 'k3y-value' })).toBe('https://cloud.temporal.io');
    const dir = mkdtempSync(path.join(tmpdir(), 'config-test-'));
    try {
      const file = path.join(dir, 'temporal.toml');
      writeFileSync(file, '[profile.cloud]\naddress = "eu-west-1.aws.api.temporal.io:7233"\nnamespace = "ns.acct"\napi_key = "k3y-value"\n');
      const config = loadConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud' });
      expect(config.temporal).toMatchObject({ external: true, namespace: 'ns.acct', uiUrl: 'https://cloud.temporal.io' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes TEMPORAL_UI_URL over any derivation, without a trailing slash', () => {
    expect(uiUrl({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_UI_URL: 'https://temporal-ui.internal/' })).toBe('https://temporal-ui.internal');
    expect(uiUrl({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_UI_URL: 'https://ui.example.com' })).toBe('https://ui.example.com');
    expect(uiUrl({ TEMPORAL_UI_URL: 'http://127.0.0.1:9999' })).toBe('http://127.0.0.1:9999');
  });

  it('is unset for a server of yours without TEMPORAL_UI_URL (its UI can be anywhere), and refuses a non-URL', () => {
    expect(uiUrl({ TEMPORAL_ADDRESS: 'temporal.internal:7233' })).toBeUndefined();
    expect(() => loadConfig({ TEMPORAL_UI_URL: 'localhost:8233' })).toThrow(/TEMPORAL_UI_URL/);
    expect(() => loadConfig({ TEMPORAL_UI_URL: 'javascript:alert(1)' })).toThrow(ConfigError);
  });

  it('recognises Temporal Cloud addresses only', () => {
    expect(isTemporalCloud('ns.acct.tmprl.cloud:7233')).toBe(true);
    expect(isTemporalCloud('NS.ACCT.TMPRL.CLOUD:7233')).toBe(true);
    expect(isTemporalCloud('us-east-1.aws.api.temporal.io:7233')).toBe(true);
    expect(isTemporalCloud('api.temporal.io.example.com:7233')).toBe(false);
    expect(isTemporalCloud('tmprl.cloud.example.com:7233')).toBe(false);
    expect(isTemporalCloud('127.0.0.1:7233')).toBe(false);
    expect(isTemporalCloud(undefined)).toBe(false);
  });
});
