import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopback, loadConfig } from './config.js';

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

  it('uses the server named by the standard variables and starts none', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_NAMESPACE: 'ns.acct', TEMPORAL_API_KEY: 'k3y-value' });
    expect(config.temporal).toMatchObject({ external: true, address: 'ns.acct.tmprl.cloud:7233', namespace: 'ns.acct', apiKey: 'k3y-value', tls: true });
    expect(config.temporal.uiUrl).toBeUndefined();
  });

  it('keeps a plaintext connection for an API key against a loopback server', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7234', TEMPORAL_API_KEY: 'k3y-value' });
    expect(config.temporal.tls).toBe(false);
  });

  it('lets the Nexus handler use its own namespace and key', () => {
    const config = loadConfig({ TEMPORAL_NEXUS_NAMESPACE: 'shipping-ns', TEMPORAL_NEXUS_API_KEY: 'other-key', TEMPORAL_ADDRESS: 'x:1' });
    expect(config.nexus.handler).toMatchObject({ namespace: 'shipping-ns', apiKey: 'other-key' });
  });

  it('fails fast with a message naming the variable', () => {
    expect(() => loadConfig({ WEB_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ WEB_PORT: 'eighty' })).toThrow(/WEB_PORT/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ ORDER_DEMO_FIX_DEPLOYED: 'maybe' })).toThrow(/ORDER_DEMO_FIX_DEPLOYED/);
    expect(() => loadConfig({ ORDER_DEMO_TIME_SCALE: '2' })).toThrow(/ORDER_DEMO_TIME_SCALE/);
    expect(loadConfig({ ORDER_DEMO_TIME_SCALE: '0.05' }).web.timeScale).toBe(0.05);
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
