/**
 * API-key rotation through the REAL orders worker entry point (a child process) behind the key-checking
 * gateway: revoking key A stalls an order and shows up in the worker's status as rejected polls and in
 * /readyz; key B sent over the control channel lets the same process finish the order. A revoke that lasts
 * until the SDK's Worker gives up for good (FAILED, after Core's minute of grace) is survived too: the worker
 * says it is not polling, and key C brings a new Worker and the order home. Deploy fix and restore bug use
 * the bundles built at start-up. Closing the gateway makes /readyz say the server is unreachable. No key or
 * secret ever appears in the worker's output, and the supervisor is told each new key and fix state.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runGateway, type RunningGateway } from '../../src/gateway/run.js';
import { getProgressQuery, orderWorkflowId, PROGRESS, workflowTypeOf, type OrderResult } from '../../src/temporal/contract.js';
import { createWorkerControlClient, type WorkerControlClient } from '../../src/temporal/worker-control-client.js';
import { REVOKED_API_KEY_PLACEHOLDER } from '../../src/worker/control.js';
import { captureLogs, eventually } from '../support/capture.js';
import { uniqueTaskQueue } from '../support/env.js';
import { historyOf, ofType } from '../support/history.js';
import type { ChildMessage } from '../../src/process/supervision.js';
import { getJson, startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { newOrderId, waitFor } from '../support/workers.js';

const { PendingWorkflowTaskState, PendingActivityState } = temporal.api.enums.v1;

describe('rotating the orders worker\'s API key without a restart', () => {
  const { logger } = captureLogs('gateway');
  const controlSecret = randomBytes(24).toString('base64url');
  const adminSecret = randomBytes(24).toString('base64url');
  const taskQueue = uniqueTaskQueue('rotate');
  const secrets: string[] = [controlSecret, adminSecret];
  let gw: RunningGateway;
  let worker: WorkerProcess;
  let control: WorkerControlClient;
  let connection: Connection;
  let client: Client;
  let current: { id: string; key: string }; // the key the worker holds now
  /** What the worker told its supervisor (this test plays it: the child has the IPC channel). */
  const reported: ChildMessage[] = [];

  beforeAll(async () => {
    gw = await runGateway({ upstream: inject('temporalAddress'), listen: '127.0.0.1:0', adminAddress: '127.0.0.1:0', adminSecret }, logger);
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
  });

  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
    await gw?.close();
  });

  it('stalls on a revoked key, reports the rejected polls, and finishes the order on key B', { timeout: 240_000 }, async () => {
    const a = gw.keys.issue('worker A');
    secrets.push(a.key);
    // Debug logs: the most the worker ever prints, all of it checked for keys at the end.
    worker = await startWorkerProcess({ temporalAddress: gw.gateway.address, apiKey: a.key, controlSecret, taskQueue, logLevel: 'debug' });
    worker.child.on('message', (msg: ChildMessage) => reported.push(msg));
    control = createWorkerControlClient({ url: worker.controlUrl, secret: controlSecret });
    expect(await control.status()).toMatchObject({ apiKey: { fingerprint: a.fingerprint, revoked: false }, pollRejections: { count: 0, lastAt: null } });
    expect((await getJson(`${worker.controlUrl}/readyz`)).status).toBe(200);

    const orderId = newOrderId();
    const handle = await client.workflow.start(workflowTypeOf('HappyPath'), {
      taskQueue,
      workflowId: orderWorkflowId(orderId),
      // Slow enough that the revocation lands mid-order (timers 0.5/0.5/1.5 s, shipping 0.5–2 s).
      args: [{ OrderId: orderId, Address: '7 Rotation Rd', TimeScale: 0.5 }],
    });
    await waitFor(() => handle.query(getProgressQuery), (p) => p >= PROGRESS.fraudChecked, 'progress 25');

    gw.keys.revoke(a.id);
    await eventually('rejected polls in the worker status', async () => (await control.status()).pollRejections.count > 0);
    const rejected = (await control.status()).pollRejections;
    expect(Date.parse(rejected.lastAt ?? '')).toBeGreaterThan(0);
    const unready = await getJson(`${worker.controlUrl}/readyz`);
    expect(unready).toMatchObject({ status: 503, body: { status: 'unavailable', checks: { worker: 'RUNNING', server: 'UNAUTHENTICATED' } } });
    expect((await getJson(`${worker.controlUrl}/healthz`)).status).toBe(200);

    // Stalled: a task waits for a worker that cannot fetch it, and stays waiting while rejections go on.
    const stalled = async () => {
      const { status, raw } = await handle.describe();
      const waiting =
        raw.pendingWorkflowTask?.state === PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_SCHEDULED ||
        (raw.pendingActivities ?? []).some((act) => act.state === PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED);
      return status.name === 'RUNNING' && waiting;
    };
    await eventually('the order to wait for the worker', stalled);
    await eventually('more rejected polls', async () => (await control.status()).pollRejections.count > rejected.count);
    expect(await stalled()).toBe(true);

    const b = gw.keys.issue('worker B');
    secrets.push(b.key);
    current = b;
    expect(await control.setApiKey(b.key)).toMatchObject({ fingerprint: b.fingerprint, revoked: false });
    expect(((await handle.result()) as OrderResult).address).toBe('7 Rotation Rd');
    expect(gw.keys.get(b.id)!.accepted).toBeGreaterThan(0);
    // The server answers key B at once; readiness also waits out the window of recent poll failures.
    expect((await getJson(`${worker.controlUrl}/readyz`)).body.checks.server).toBe('ok');

    // One process did all the work: the same worker identity on every workflow task, and it never exited.
    const identities = ofType(await historyOf(handle), 'WorkflowTaskStarted').map((e) => e.attributes.identity as string);
    expect(new Set(identities).size).toBe(1);
    expect(worker.child.exitCode).toBeNull();
  });

  it('builds both workflow bundles at start-up, so Deploy fix and Restore the bug never bundle; a repeat changes nothing', async () => {
    // Bundles come from the disk cache when the code is unchanged, else webpack ("Workflow bundle created").
    const bundled = () => worker.output.filter((line) => line.includes('Workflow bundle created')).length;
    await eventually('the worker to have the fixed code ready as well', () => worker.output.some((line) => line.includes('Other workflow code ready')));
    const before = bundled();
    expect(await control.deployFix()).toEqual({ fixDeployed: true, changed: true });
    expect(await control.deployFix()).toEqual({ fixDeployed: true, changed: false });
    expect(reported.filter((m) => m.type === 'worker-state').at(-1)).toEqual({ type: 'worker-state', apiKey: current.key, fixDeployed: true });
    expect(await control.restoreBug()).toEqual({ fixDeployed: false, changed: true });
    expect(await control.restoreBug()).toEqual({ fixDeployed: false, changed: false });
    expect(reported.filter((m) => m.type === 'worker-state').at(-1)).toMatchObject({ fixDeployed: false });
    expect(bundled()).toBe(before);
    await eventually('the redeployed worker to poll', async () => (await control.status()).polling === true);
    expect(await control.status()).toMatchObject({ workerState: 'RUNNING', fixDeployed: false });
  });

  it('survives a revoke that outlasts its Worker: says it is not polling, keeps trying, and resumes on key C', { timeout: 300_000 }, async () => {
    const orderId = newOrderId();
    const handle = await client.workflow.start(workflowTypeOf('HappyPath'), {
      taskQueue,
      workflowId: orderWorkflowId(orderId),
      args: [{ OrderId: orderId, Address: '9 Outage Ave', TimeScale: 0.5 }],
    });
    await waitFor(() => handle.query(getProgressQuery), (p) => p >= PROGRESS.fraudChecked, 'progress 25');
    gw.keys.revoke(current.id);

    // Core forgives refused polls for a minute, then the SDK's Worker fails for good: wait for the worker to see it.
    const failed = await eventually('the worker\'s Temporal Worker to fail', async () => {
      const status = await control.status();
      return status.workerState === 'FAILED' || status.workerState === 'RECREATING' ? status : undefined;
    }, 180_000, 500);
    expect(failed).toMatchObject({ polling: false, pollingProblem: expect.stringMatching(/Worker failed \(UNAUTHENTICATED\)/) });
    const unready = await getJson(`${worker.controlUrl}/readyz`);
    expect(unready).toMatchObject({ status: 503, body: { status: 'unavailable', checks: { polling: false } } });
    expect(unready.body.reason).toMatch(/Not polling: its Temporal Worker failed \(UNAUTHENTICATED\)/);
    // Its log line travels through a pipe, and may arrive after the status answer that already says FAILED.
    await eventually('the worker to log that it stopped polling', () => worker.output.some((line) => line.includes('stopped polling')));
    expect(worker.output.filter((line) => line.includes('stopped polling'))).toHaveLength(1);

    // It keeps trying (each attempt asks the server first, and is refused), and the order waits.
    const refused = gw.keys.get(current.id)!.rejected;
    await eventually('the worker to keep trying to make a Worker', () => gw.keys.get(current.id)!.rejected >= refused + 2, 60_000, 500);
    expect((await control.status()).polling).toBe(false);
    expect((await handle.describe()).status.name).toBe('RUNNING');

    const c = gw.keys.issue('worker C');
    secrets.push(c.key);
    current = c;
    expect(await control.setApiKey(c.key)).toMatchObject({ fingerprint: c.fingerprint, revoked: false });
    expect(reported.filter((m) => m.type === 'worker-state').at(-1)).toMatchObject({ apiKey: c.key });
    expect(((await handle.result()) as OrderResult).address).toBe('9 Outage Ave');
    await eventually('the worker to say it polls again', async () => (await control.status()).polling === true);
    await eventually('/readyz to be 200 again', async () => (await getJson(`${worker.controlUrl}/readyz`)).status === 200);
    await eventually('the worker to log that it polls again', () => worker.output.some((line) => line.includes('Worker recreated, polling again')));
    expect(worker.child.exitCode).toBeNull();
  });

  it('restarted with a key revoked meanwhile, serves its control channel, waits for a new key, then polls', { timeout: 240_000 }, async () => {
    // What the supervisor does after a revoke: it restarts the worker with the last key the worker held.
    const queue = uniqueTaskQueue('rotate-restart');
    const restarted = await startWorkerProcess({ temporalAddress: gw.gateway.address, apiKey: REVOKED_API_KEY_PLACEHOLDER, controlSecret, taskQueue: queue });
    try {
      const itsControl = createWorkerControlClient({ url: restarted.controlUrl, secret: controlSecret });
      expect(await itsControl.status()).toMatchObject({ apiKey: { fingerprint: null, revoked: true }, polling: false, workerState: 'FAILED' });
      const unready = await getJson(`${restarted.controlUrl}/readyz`);
      expect(unready).toMatchObject({ status: 503, body: { checks: { worker: 'FAILED', polling: false } } });
      expect(unready.body.reason).toMatch(/refused its API key at start-up \(UNAUTHENTICATED\)/);
      await expect(itsControl.deployFix()).rejects.toMatchObject({ status: 502 });

      const d = gw.keys.issue('worker D');
      secrets.push(d.key);
      expect(await itsControl.setApiKey(d.key)).toMatchObject({ fingerprint: d.fingerprint, revoked: false });
      const orderId = newOrderId();
      const handle = await client.workflow.start(workflowTypeOf('HappyPath'), {
        taskQueue: queue, workflowId: orderWorkflowId(orderId), args: [{ OrderId: orderId, Address: '4 Restart Rd', TimeScale: 0.1 }],
      });
      expect(((await handle.result()) as OrderResult).address).toBe('4 Restart Rd');
      await eventually('the restarted worker to say it polls', async () => (await itsControl.status()).polling === true);
      expect(restarted.output.join('\n')).toContain('Orders worker started');
      expect(restarted.output.join('\n')).not.toContain(d.key);
    } finally {
      await restarted.stop();
    }
  });

  it('reports the server unreachable in /readyz when the gateway goes away, while /healthz stays 200', async () => {
    await gw.close();
    const readyz = () => getJson(`${worker.controlUrl}/readyz`);
    await eventually('readyz to see the server gone', async () => (await readyz()).body.checks.server !== 'ok');
    expect((await readyz()).status).toBe(503);
    expect((await readyz()).body).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/did not answer/) });
    expect((await getJson(`${worker.controlUrl}/healthz`)).status).toBe(200);
  });

  it('never prints key A, key B or the secrets, nor serves them, and logs the rotation by fingerprint only', async () => {
    const served = await Promise.all(
      [worker.metricsUrl, `${worker.controlUrl}/readyz`].map(async (url) => (await fetch(url)).text()),
    );
    served.push(JSON.stringify(await control.status()));
    for (const text of served) for (const secret of secrets) expect(text).not.toContain(secret);
    await worker.stop();
    const output = worker.output.join('\n');
    expect(output).toContain('API key rotated');
    expect(output).toContain('Orders worker stopped');
    expect(secrets.length).toBe(6);
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
