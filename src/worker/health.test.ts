import type { NativeConnection } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { signRequest } from '../process/channel-auth.js';
import { checkReadiness, FAILING_NOW_MS, pingWith, POLL_FAILURE_WINDOW_MS, pollingStatus, type ReadinessSources } from './health.js';
import type { WorkerFailure, WorkerState } from './keep-running.js';
import { createOpsApp } from './ops-server.js';

const NOW = 1_700_000_000_000;
const unauthenticated = Object.assign(new Error('The API key ending in abcd was revoked'), { code: 16 });

interface Overrides {
  state?: WorkerState;
  failure?: WorkerFailure;
  ping?: () => Promise<unknown>;
  lastFailureAt?: number;
  lastFailureCode?: string;
  openPolls?: number;
}

function sources(overrides: Overrides = {}): ReadinessSources {
  return {
    workerState: () => overrides.state ?? 'RUNNING',
    workerFailure: () => overrides.failure,
    pingServer: overrides.ping ?? (() => Promise.resolve({})),
    pollFailures: {
      lastFailureAt: () => overrides.lastFailureAt,
      lastFailureCode: () => overrides.lastFailureCode,
      openPolls: () => overrides.openPolls,
      refresh: () => Promise.resolve(),
    },
    now: () => NOW,
  };
}

describe('checkReadiness', () => {
  it('is ready when the worker runs, the server answers and no poll failed lately', async () => {
    expect(await checkReadiness(sources())).toEqual({ ready: true, checks: { worker: 'RUNNING', polling: true, server: 'ok', lastPollFailureAt: null } });
    const old = await checkReadiness(sources({ lastFailureAt: NOW - POLL_FAILURE_WINDOW_MS - 1 }));
    expect(old.ready).toBe(true);
  });

  it('says why it is not ready, with status names only (never the server\'s message)', async () => {
    expect(await checkReadiness(sources({ state: 'DRAINING' }))).toMatchObject({ ready: false, reason: 'The worker is DRAINING, not polling.' });
    const refused = await checkReadiness(sources({ ping: () => Promise.reject(new Error('wrapped', { cause: unauthenticated })) }));
    expect(refused).toMatchObject({ ready: false, checks: { server: 'UNAUTHENTICATED' } });
    expect(JSON.stringify(refused)).not.toContain('abcd');
    expect((await checkReadiness(sources({ ping: () => Promise.reject(new Error('?')) }))).checks.server).toBe('ERROR');
    const recent = await checkReadiness(sources({ lastFailureAt: NOW - 1_000 }));
    expect(recent).toMatchObject({ ready: false, checks: { server: 'ok', lastPollFailureAt: new Date(NOW - 1_000).toISOString() } });
  });
});

describe('pollingStatus', () => {
  it('says not polling while the Worker failed and a new one is being made, with the cause and never a server message', async () => {
    const failure = { error: 'UNAUTHENTICATED', since: new Date(NOW - 5_000).toISOString(), attempts: 3 };
    for (const state of ['FAILED', 'RECREATING'] as const) {
      const status = pollingStatus(sources({ state, failure }));
      expect(status).toMatchObject({ polling: false, workerState: state });
      expect(status.problem).toMatch(/failed \(UNAUTHENTICATED\).*3 attempts failed so far/);
      const readiness = await checkReadiness(sources({ state, failure }));
      expect(readiness).toMatchObject({ ready: false, checks: { worker: state, polling: false } });
      expect(readiness.reason).toBe(`Not polling: i${status.problem!.slice(1)}`);
    }
  });

  it('says not polling while polls fail and none is open, and polling again as soon as one is open', () => {
    const refused = sources({ lastFailureAt: NOW - 3_000, lastFailureCode: 'UNAUTHENTICATED', openPolls: 0 });
    expect(pollingStatus(refused)).toMatchObject({ polling: false, workerState: 'RUNNING', problem: expect.stringMatching(/refused \(UNAUTHENTICATED\)/) });
    expect(pollingStatus(sources({ lastFailureAt: NOW - 3_000, lastFailureCode: 'TRANSPORT_ERROR', openPolls: 0 })).problem).toMatch(/fail \(TRANSPORT_ERROR\)/);
    // Core retries a refused poll every 10 s: a failure this old with nothing open since is still the same outage.
    expect(pollingStatus(sources({ lastFailureAt: NOW - FAILING_NOW_MS + 1, openPolls: 0 })).polling).toBe(false);
    expect(pollingStatus(sources({ lastFailureAt: NOW - FAILING_NOW_MS, openPolls: 0 })).polling).toBe(true);
    // A new key: polls are open at the server again, so the failures are over, and the worker is ready at once.
    expect(pollingStatus(sources({ lastFailureAt: NOW - 3_000, openPolls: 12 })).polling).toBe(true);
  });

  it('is ready again as soon as polls are open, without waiting out the 30 s window of recent failures', async () => {
    expect(await checkReadiness(sources({ lastFailureAt: NOW - 3_000, openPolls: 12 }))).toMatchObject({ ready: true });
    expect(await checkReadiness(sources({ lastFailureAt: NOW - 20_000, openPolls: 0 }))).toMatchObject({ ready: false, checks: { polling: true } });
  });
});

describe('pingWith', () => {
  it('gives up after its timeout while Core still retries, and shares the call still running', async () => {
    let calls = 0;
    let answer: (value: unknown) => void = () => {};
    const connection = {
      withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn(),
      workflowService: { getSystemInfo: () => (calls++, new Promise((resolve) => (answer = resolve))) },
    } as unknown as NativeConnection;
    const ping = pingWith(connection, 20);
    const results = await Promise.allSettled([ping(), ping()]);
    expect(results.map((r) => r.status === 'rejected' && (r.reason as { code?: number }).code)).toEqual([4, 4]); // DEADLINE_EXCEEDED
    expect((await checkReadiness({ ...sources(), pingServer: ping })).checks.server).toBe('DEADLINE_EXCEEDED');
    expect(calls).toBe(1);
    answer({});
    await expect(ping()).resolves.toEqual({}); // the shared call's late answer
    const next = ping(); // a call of its own, now that the last one ended
    answer({ again: true });
    await expect(next).resolves.toEqual({ again: true });
    expect(calls).toBe(2);
  });
});

describe('the worker\'s ops server', () => {
  const logger = createLogger({ name: 'test', level: 'error', json: true, write: () => {} });
  const secret = 'control-secret-for-tests';
  const handlers = {
    setApiKey: async () => {},
    deployFix: async () => {},
    restoreBug: async () => {},
    status: () => ({ fixDeployed: false, pollRejections: { count: 0, lastAt: null } }),
  };

  it('answers health without the secret, and keeps the control channel behind it', async () => {
    const app = createOpsApp({ health: sources({ ping: () => Promise.reject(unauthenticated) }), control: { secret, handlers }, logger });
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await app.request('/healthz', { headers: { origin: 'http://elsewhere' } })).status).toBe(200);
    const readyz = await app.request('/readyz');
    expect(readyz.status).toBe(503);
    expect(await readyz.json()).toMatchObject({ status: 'unavailable', checks: { server: 'UNAUTHENTICATED' } });
    expect((await app.request('/status')).status).toBe(401);
    expect((await app.request('/status', { headers: { authorization: `Bearer ${secret}` } })).status).toBe(401);
    expect((await app.request('/status', { headers: signRequest(secret, 'GET', '/status').headers })).status).toBe(200);
    expect((await app.request('/nope', { headers: signRequest(secret, 'GET', '/nope').headers })).status).toBe(404);
  });

  it('serves health alone when there is no control channel', async () => {
    const app = createOpsApp({ health: sources(), logger });
    expect((await app.request('/readyz')).status).toBe(200);
    expect((await app.request('/status', { headers: signRequest(secret, 'GET', '/status').headers })).status).toBe(404);
  });
});
