/**
 * The worker's control channel, over HTTP, driving a real NativeConnection through the key-checking
 * gateway in front of the run's dev server: a rotated key is the one the gateway then sees; a revoked one
 * is refused; bad requests never reach the SDK; the key never comes back out.
 */
import { randomBytes } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runGateway, type RunningGateway } from '../../src/gateway/run.js';
import type { LoopbackServer } from '../../src/process/loopback-api.js';
import { createWorkerControlClient, type WorkerControlClient } from '../../src/temporal/worker-control-client.js';
import { REVOKED_API_KEY_PLACEHOLDER, startControlServer } from '../../src/worker/control.js';
import { signRequest } from '../../src/process/channel-auth.js';
import { captureLogs, grpcCode, recordFetch } from '../support/capture.js';

const UNAUTHENTICATED = 16;

describe('worker control channel', () => {
  const { logger, lines } = captureLogs('control-test');
  const fetches = recordFetch();
  const secret = randomBytes(24).toString('base64url');
  const keys: string[] = [];
  const applied: string[] = []; // what the handler passed to the SDK
  let fixDeployed = false;
  const redeploys: string[] = [];
  let failNextSetApiKey = false;
  let gw: RunningGateway;
  let connection: NativeConnection;
  let server: LoopbackServer;
  let control: WorkerControlClient;

  /** A request signed (and its body sealed) as the console's client does, with `key` as the secret. */
  const raw = (path: string, init: RequestInit & { headers?: Record<string, string>; body?: string } = {}, key = secret) => {
    const signed = signRequest(key, init.method ?? 'GET', path, init.body);
    return fetch(server.url + path, { ...init, body: signed.body, headers: { ...signed.headers, 'content-type': 'application/json', ...init.headers } });
  };

  beforeAll(async () => {
    gw = await runGateway({ upstream: inject('temporalAddress'), listen: '127.0.0.1:0', adminAddress: '127.0.0.1:0', adminSecret: secret }, logger);
    const initial = gw.keys.issue('worker start-up');
    keys.push(initial.key);
    connection = await NativeConnection.connect({ address: gw.gateway.address, apiKey: initial.key, tls: false });
    server = await startControlServer({
      address: '127.0.0.1:0',
      secret,
      logger,
      initialApiKey: initial.key,
      handlers: {
        setApiKey: async (key) => {
          if (failNextSetApiKey) {
            failNextSetApiKey = false;
            throw new Error(`the SDK did not like ${key}`); // a message quoting the key must not get out
          }
          applied.push(key);
          await connection.setApiKey(key);
        },
        deployFix: async () => void (redeploys.push('deploy'), (fixDeployed = true)),
        restoreBug: async () => void (redeploys.push('restore'), (fixDeployed = false)),
        status: () => ({ fixDeployed, pollRejections: { count: 0, lastAt: null } }),
      },
    });
    control = createWorkerControlClient({ url: server.url, secret });
  });

  afterAll(async () => {
    fetches.restore();
    await server?.close();
    await connection?.close();
    await gw?.close();
  });

  it('refuses a wrong or missing secret with 401, and browser-originated requests', async () => {
    expect((await fetch(`${server.url}/status`)).status).toBe(401);
    expect((await raw('/status', {}, 'not-the-secret')).status).toBe(401);
    // The worker's 401 is signed with its secret, which a console with another secret cannot check.
    const wrong = createWorkerControlClient({ url: server.address, secret: 'not-the-secret' });
    await expect(wrong.status()).rejects.toMatchObject({ name: 'ControlApiError', status: 401, code: 'unproven-peer' });
    // Any Origin header means a browser page is calling: refused even with the right secret.
    const fromPage = await raw('/api-key', { method: 'POST', headers: { origin: 'http://127.0.0.1:3000' }, body: JSON.stringify({ key: 'x'.repeat(40) }) });
    expect(fromPage.status).toBe(403);
    expect(fromPage.headers.get('access-control-allow-origin')).toBeNull();
    expect(applied).toEqual([]);
  });

  it('refuses an empty key, a malformed body and a non-JSON body without calling the SDK', async () => {
    for (const body of ['{"key":""}', '{"key":"   "}', '{}', '[]']) {
      expect((await raw('/api-key', { method: 'POST', body })).status).toBe(400);
    }
    const secretLooking = randomBytes(32).toString('base64url');
    keys.push(secretLooking);
    const broken = await raw('/api-key', { method: 'POST', body: `{"key":"${secretLooking}"` }); // truncated JSON
    expect(broken.status).toBe(400);
    expect(await broken.text()).not.toContain(secretLooking);
    const form = await raw('/api-key', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `key=${secretLooking}` });
    expect(form.status).toBe(415);
    await expect(control.setApiKey('')).rejects.toMatchObject({ status: 400, code: 'empty-key' });
    expect(applied).toEqual([]);
  });

  it('rotates the live connection to a new key, which the gateway then sees', async () => {
    const next = gw.keys.issue('rotated');
    keys.push(next.key);
    const state = await control.setApiKey(next.key);
    expect(applied).toEqual([next.key]);
    expect(state).toMatchObject({ fingerprint: next.fingerprint, revoked: false });
    await connection.workflowService.getSystemInfo({});
    expect(gw.keys.get(next.id)!.accepted).toBeGreaterThan(0);
    expect((await control.status()).apiKey).toMatchObject({ fingerprint: next.fingerprint, revoked: false });
  });

  it('revokes by switching to a placeholder key that the gateway refuses', async () => {
    const state = await control.revokeApiKey();
    expect(state).toMatchObject({ fingerprint: null, revoked: true });
    expect(applied.at(-1)).toBe(REVOKED_API_KEY_PLACEHOLDER);
    const err = await connection.workflowService.getSystemInfo({}).catch((e: unknown) => e);
    expect(grpcCode(err)).toBe(UNAUTHENTICATED);
  });

  it('reports a failing setApiKey without quoting the key', async () => {
    const key = randomBytes(32).toString('base64url');
    keys.push(key);
    failNextSetApiKey = true;
    const err = await control.setApiKey(key).catch((e: Error) => e);
    expect(err).toMatchObject({ name: 'ControlApiError', status: 502 });
    expect((err as Error).message).toContain('[redacted]');
    expect((err as Error).message).not.toContain(key);
  });

  it('calls the deploy-fix and restore-bug callbacks once each, says "no change" to a repeat, and reports the result in /status', async () => {
    expect(await control.deployFix()).toEqual({ fixDeployed: true, changed: true });
    expect((await control.status()).fixDeployed).toBe(true);
    expect(await control.deployFix()).toEqual({ fixDeployed: true, changed: false });
    expect(await control.restoreBug()).toEqual({ fixDeployed: false, changed: true });
    expect(await control.restoreBug()).toEqual({ fixDeployed: false, changed: false });
    expect(redeploys).toEqual(['deploy', 'restore']);
    const status = await control.status();
    expect(status).toMatchObject({ fixDeployed: false, pollRejections: { count: 0, lastAt: null } });
  });

  it('explains an unreachable control channel without quoting the secret', async () => {
    const gone = createWorkerControlClient({ url: '127.0.0.1:1', secret, timeoutMs: 2_000 });
    const err = (await gone.status().catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/Cannot reach the worker control channel/);
    expect(err.message).not.toContain(secret);
  });

  it('never puts a key or the secret in a log line or a response body', () => {
    expect(lines.length).toBeGreaterThan(0);
    expect(fetches.responses.length).toBeGreaterThan(10);
    for (const text of [...lines, ...fetches.responses.map((r) => r.body)]) {
      for (const value of [...keys, secret]) expect(text).not.toContain(value);
    }
  });
});
