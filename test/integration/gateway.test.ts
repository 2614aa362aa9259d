/**
 * The key-checking gateway in front of the run's real dev server: real SDK calls and a real Worker go
 * through it; bad keys get UNAUTHENTICATED; and a worker whose key is revoked stops, then resumes after
 * connection.setApiKey() with a new key, without a restart.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signRequest } from '../../src/process/channel-auth.js';
import { runGateway, type RunningGateway } from '../../src/gateway/run.js';
import { createGatewayAdminClient, type GatewayAdminClient, type IssuedKey } from '../../src/temporal/worker-control-client.js';
import { captureLogs, eventually, grpcCode, recordFetch } from '../support/capture.js';
import { uniqueTaskQueue } from '../support/env.js';
import { goSignal, waitingQuery, type ticker, type waitForGo } from '../support/fixtures-workflows/gateway.js';

const CANCELLED = 1;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;
const SCHEDULED = temporal.api.enums.v1.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED;
const workflowsPath = path.resolve(import.meta.dirname, '../support/fixtures-workflows/gateway.ts');

describe('key-checking gateway', () => {
  const { logger, lines } = captureLogs('gateway-test');
  const fetches = recordFetch();
  const secrets: string[] = []; // every key string a test used: none may leak
  const adminSecret = randomBytes(24).toString('base64url');
  let gw: RunningGateway;
  let admin: GatewayAdminClient;
  let direct: Connection;
  let client: Client;
  let workflowBundle: WorkflowBundle;

  const issue = async (label: string): Promise<IssuedKey> => {
    const issued = await admin.issueKey(label);
    secrets.push(issued.key);
    return issued;
  };
  const keyInfo = async (id: string) => (await admin.listKeys()).keys.find((k) => k.id === id)!;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // Already installed in this process by an earlier suite: its logger is fine too.
    }
    gw = await runGateway(
      { upstream: inject('temporalAddress'), listen: '127.0.0.1:0', adminAddress: '127.0.0.1:0', adminSecret },
      logger,
    );
    admin = createGatewayAdminClient({ url: gw.admin.url, secret: adminSecret });
    direct = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection: direct });
    workflowBundle = await bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('ERROR') });
  });

  afterAll(async () => {
    fetches.restore();
    await direct?.close();
    await gw?.close();
  });

  it('passes real Temporal calls through with a valid key', async () => {
    const key = await issue('console');
    const connection = await Connection.connect({ address: gw.gateway.address, apiKey: key.key, tls: false });
    try {
      expect((await connection.workflowService.getSystemInfo({})).capabilities).toBeTruthy();
      const ns = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(ns.namespaceInfo?.name).toBe('default');
      const handle = await new Client({ connection }).workflow.start<typeof ticker>('ticker', {
        taskQueue: uniqueTaskQueue('gw-nobody'),
        workflowId: `gw-${randomUUID()}`,
        args: [1],
      });
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await handle.terminate('test done');
    } finally {
      await connection.close();
    }
    const info = await keyInfo(key.id);
    expect(info.accepted).toBeGreaterThanOrEqual(4);
    expect(info.rejected).toBe(0);
  });

  it('runs a real worker through the gateway, long polls included', async () => {
    const key = await issue('worker');
    const connection = await NativeConnection.connect({ address: gw.gateway.address, apiKey: key.key, tls: false });
    const taskQueue = uniqueTaskQueue('gw-worker');
    try {
      const worker = await Worker.create({ connection, taskQueue, workflowBundle });
      await worker.runUntil(async () => {
        // Idle polls stay open through the gateway until there is work for them.
        await eventually('polls held open by the gateway', () => gw.gateway.stats().openCalls > 0);
        const result = await client.workflow.execute<typeof ticker>('ticker', { taskQueue, workflowId: `gw-${randomUUID()}`, args: [5] });
        expect(result).toBe(5);
      });
    } finally {
      await connection.close();
    }
    expect((await keyInfo(key.id)).accepted).toBeGreaterThan(0);
    expect(gw.gateway.stats().upstreamErrors).toBe(0);
  });

  it('answers UNAUTHENTICATED to a revoked, unknown or missing key and counts it', async () => {
    const key = await issue('soon revoked');
    await admin.revokeKey(key.id);
    const unknownKey = randomBytes(32).toString('base64url');
    secrets.push(unknownKey);
    const unknownBefore = (await admin.listKeys()).unknown.rejected;

    for (const [apiKey, expected] of [[key.key, /revoked/], [unknownKey, /Unknown API key/], [undefined, /No API key/]] as const) {
      const connection = Connection.lazy({ address: gw.gateway.address, apiKey, tls: false });
      try {
        const err = (await connection.workflowService.getSystemInfo({}).catch((e: unknown) => e)) as Error;
        expect(grpcCode(err)).toBe(UNAUTHENTICATED);
        expect(err.message).toMatch(expected);
        for (const secret of secrets) expect(err.message).not.toContain(secret);
      } finally {
        await connection.close();
      }
    }
    const info = await keyInfo(key.id);
    expect(info.revokedAt).not.toBeNull();
    expect(info.rejected).toBeGreaterThanOrEqual(1);
    expect(info.rejectedRecently).toBeGreaterThanOrEqual(1);
    expect(info.lastRejectedAt).not.toBeNull();
    expect(info.accepted).toBe(0);
    expect((await admin.listKeys()).unknown.rejected).toBeGreaterThanOrEqual(unknownBefore + 2);
  });

  it('stops a worker whose key is revoked, and resumes it after setApiKey with a new key, without a restart', async () => {
    const a = await issue('worker A');
    const connection = await NativeConnection.connect({ address: gw.gateway.address, apiKey: a.key, tls: false });
    const taskQueue = uniqueTaskQueue('gw-rotate');
    try {
      const worker = await Worker.create({ connection, taskQueue, workflowBundle });
      await worker.runUntil(async () => {
        const handle = await client.workflow.start<typeof waitForGo>('waitForGo', { taskQueue, workflowId: `gw-${randomUUID()}` });
        expect(await handle.query(waitingQuery)).toBe(true); // answered by the worker, through the gateway, with key A

        await admin.revokeKey(a.id);
        await eventually("the worker's polls being rejected", async () => (await keyInfo(a.id)).rejected > 0);
        await handle.signal(goSignal);
        const rejectedAtSignal = (await keyInfo(a.id)).rejected;
        await eventually('more rejected polls after the signal', async () => (await keyInfo(a.id)).rejected > rejectedAtSignal);
        // No progress: the workflow task that the signal scheduled has not been picked up.
        const stalled = await handle.describe();
        expect(stalled.status.name).toBe('RUNNING');
        expect(stalled.raw.pendingWorkflowTask?.state).toBe(SCHEDULED);
        expect(worker.getState()).toBe('RUNNING');

        const b = await issue('worker B');
        await connection.setApiKey(b.key);
        expect(await handle.result()).toBe('done');
        expect((await keyInfo(b.id)).accepted).toBeGreaterThan(0);
      });
    } finally {
      await connection.close();
    }
  }, 180_000);

  it('cancels the upstream call when the client cancels, and ends open calls with UNAVAILABLE on close', async () => {
    // A gateway of its own, so that its counters see only this test's calls.
    const own = await runGateway({ upstream: inject('temporalAddress'), listen: '127.0.0.1:0', adminAddress: '127.0.0.1:0', adminSecret }, logger);
    const key = own.keys.issue('poller');
    secrets.push(key.key);
    // No retry interceptor: the first answer is the one under test.
    const connection = Connection.lazy({ address: own.gateway.address, apiKey: key.key, tls: false, interceptors: [] });
    // The server insists on a deadline for a long poll; 70 s is what the SDKs use.
    const poll = () =>
      connection.withDeadline(Date.now() + 70_000, () =>
        connection.workflowService.pollWorkflowTaskQueue({ namespace: 'default', taskQueue: { name: uniqueTaskQueue('gw-idle') } }),
      );
    try {
      const abort = new AbortController();
      const cancelled = connection.withAbortSignal(abort.signal, poll).catch((e: unknown) => e);
      await eventually('the long poll to be open', () => own.gateway.stats().openCalls === 1);
      abort.abort();
      expect(grpcCode(await cancelled)).toBe(CANCELLED);
      await eventually('the gateway to cancel the upstream call', () => own.gateway.stats().cancelled === 1 && own.gateway.stats().openCalls === 0);

      // Closed while a long poll is open: the poller hears UNAVAILABLE at once, not silence until its deadline.
      const open = poll().catch((e: unknown) => e);
      await eventually('the long poll to be open', () => own.gateway.stats().openCalls === 1);
      await own.close();
      expect(grpcCode(await open)).toBe(UNAVAILABLE);
    } finally {
      await connection.close();
      await own.close();
    }
  });

  it('answers UNAVAILABLE when the Temporal server cannot be reached', async () => {
    const down = await runGateway({ upstream: '127.0.0.1:1', listen: '127.0.0.1:0', adminAddress: '127.0.0.1:0', adminSecret }, logger);
    const key = down.keys.issue('nowhere');
    secrets.push(key.key);
    // No retry interceptor: the first answer is the one under test.
    const connection = Connection.lazy({ address: down.gateway.address, apiKey: key.key, tls: false, interceptors: [] });
    try {
      const err = (await connection.workflowService.getSystemInfo({}).catch((e: unknown) => e)) as Error;
      expect(grpcCode(err)).toBe(UNAVAILABLE);
      expect(err.message).toMatch(/Temporal server at 127\.0\.0\.1:1 is unavailable/);
      expect(down.gateway.stats().upstreamErrors).toBeGreaterThan(0);
    } finally {
      await connection.close();
      await down.close();
    }
  });

  it('guards the admin API: secret, no browser origins, JSON, and 404 for unknown keys', async () => {
    const url = `${gw.admin.url}/keys`;
    const post = { 'content-type': 'application/json' };
    const signed = (path: string, method = 'GET', body?: string, secret = adminSecret) => signRequest(secret, method, path, body);
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${adminSecret}` } })).status).toBe(401); // the secret itself is not accepted
    expect((await fetch(url, { headers: signed('/keys', 'GET', undefined, 'wrong').headers })).status).toBe(401);
    expect((await fetch(url, { headers: { ...signed('/keys').headers, origin: 'http://localhost:3000' } })).status).toBe(403);
    const form = signed('/keys', 'POST', 'label=x');
    const notJson = await fetch(url, { method: 'POST', headers: { ...form.headers, 'content-type': 'application/x-www-form-urlencoded' }, body: form.body });
    expect(notJson.status).toBe(415);
    const bad = signed('/keys', 'POST', '{"label":""}');
    const badLabel = await fetch(url, { method: 'POST', headers: { ...post, ...bad.headers }, body: bad.body });
    expect(badLabel.status).toBe(400);
    const unknown = await fetch(`${gw.admin.url}/keys/key-nope/revoke`, { method: 'POST', headers: { ...post, ...signed('/keys/key-nope/revoke', 'POST').headers } });
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('access-control-allow-origin')).toBeNull();
    await expect(createGatewayAdminClient({ url: gw.admin.url, secret: 'wrong' }).listKeys()).rejects.toMatchObject({ status: 401, code: 'unproven-peer' });
    expect((await admin.stats()).address).toBe(gw.gateway.address);
  });

  it('never puts a key in a log line, or in a response other than the one that issued it', () => {
    const issuing = (r: { method: string; url: string; status: number }) => r.method === 'POST' && r.url.endsWith('/keys') && r.status === 201;
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    expect(lines.length).toBeGreaterThan(0);
    expect(fetches.responses.filter(issuing).length).toBeGreaterThanOrEqual(5);
    for (const line of lines) for (const secret of [...secrets, adminSecret]) expect(line).not.toContain(secret);
    for (const response of fetches.responses) {
      const own = issuing(response) ? (JSON.parse(response.body) as IssuedKey).key : undefined;
      for (const secret of [...secrets, adminSecret]) if (secret !== own) expect(response.body).not.toContain(secret);
    }
  });
});
