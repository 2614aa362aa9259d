/**
 * Idempotence across a crash (our extension, OrderIdempotenceWorkflow), on both database engines: the
 * customer is charged once although ChargeCustomer ran twice, and the console says so. Two paths:
 *
 * - a worker in this process (no supervisor): attempt 1 records the charge, then fails retryably
 *   (WorkerLostBeforeReport); orders placed the way the console places them (home card, JSON API);
 * - the real crash: the orders worker as a child process (`node --import tsx src/worker/orders.ts`, forked
 *   with an IPC channel as `npm start` forks it) run by the launcher's own Supervisor. Attempt 1 kills its
 *   process after the charge; the Supervisor restarts it; the server retries the attempt once its
 *   start-to-close timeout expires; the provider answers the retry from its key.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { Supervisor } from '../../scripts/lib/supervisor.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createSystems, type Systems } from '../../src/db/systems.js';
import { IDEMPOTENCE_WORKFLOW_TYPE, WORKER_LOST } from '../../src/idempotence/api.js';
import { IDEMPOTENCE_HAPPENED } from '../../src/idempotence/view.js';
import { ACTIVITY, orderWorkflowId, type OrderResult } from '../../src/temporal/contract.js';
import { ENGINES, startTestDatabase, type TestDatabase } from '../support/databases.js';
import { testConfig, uniqueTaskQueue } from '../support/env.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { FAST, newOrderId, startTestWorkers, waitFor, type TestWorkers } from '../support/workers.js';
import { startTestConsole, testid, testidAttr, type TestConsole } from './web-support.js';

const text = (html: string, id: string): string | undefined => testid(html, id)?.replace(/\s+/g, ' ').replace(/&#39;/g, "'").trim();

/** ChargeCustomer's attempt as the console's JSON API reports it (the one that closed the step). */
async function chargeAttempt(web: TestConsole, orderId: string): Promise<number | null | undefined> {
  const view = (await (await web.get(`/api/orders/${orderId}`)).json()) as { steps: { key: string; attempt: number | null }[] };
  return view.steps.find((s) => s.key === ACTIVITY.chargeCustomer)?.attempt;
}

async function expectChargedOnce(systems: Systems, workflowId: string, runId: string): Promise<void> {
  const payments = await systems.payments.paymentsOf(workflowId, runId);
  expect(payments.filter((p) => p.kind === 'charge')).toEqual([expect.objectContaining({ outcome: 'captured', amountCents: 20_500, attempt: 1 })]);
  // Attempt 1 and its retry both reached the provider; the retry was answered from the key.
  expect(await systems.payments.requestsOf(workflowId, runId, 'charge')).toEqual({ total: 2, replayed: 1 });
  expect((await systems.notifications.sentTo(workflowId)).filter((n) => n.kind === 'confirmation')).toHaveLength(1);
}

describe.each(ENGINES)('Idempotence across a crash on %s, without a supervisor (the attempt fails instead)', (engine) => {
  let server: TestDatabase;
  let db: Database;
  let systems: Systems;
  let workers: TestWorkers;
  let web: TestConsole;

  beforeAll(async () => {
    server = await startTestDatabase(engine);
    db = await openDatabase(server.url, { max: 4 });
    systems = createSystems(db);
    workers = await startTestWorkers({ name: `idempotence-${engine}`, systems });
    web = startTestConsole({ config: { ...workers.config, web: { ...workers.config.web, timeScale: FAST } }, systems });
  });
  afterAll(async () => {
    await workers?.stop();
    await web?.close();
    await db?.close();
    await server?.stop();
  });

  it('placed from its home card: charged once, ChargeCustomer ran twice, and the page says why', async () => {
    const home = await (await web.get('/')).text();
    expect(testid(home, 'scenario-Idempotence')).toContain(IDEMPOTENCE_WORKFLOW_TYPE);
    expect(home).toContain('formaction="/idempotence/orders"');

    const orderId = newOrderId();
    const placed = await web.post('/idempotence/orders', { orderId, address: '1 Retry Road', pace: '1' });
    expect(placed.status).toBe(303);
    expect(placed.headers.get('location')).toBe(`/orders/${orderId}`);
    const handle = workers.client.workflow.getHandle(orderWorkflowId(orderId));
    expect((await handle.describe()).type).toBe(IDEMPOTENCE_WORKFLOW_TYPE);
    const result = (await handle.result()) as OrderResult;
    expect(result.address).toBe('1 Retry Road');

    // The attempt that lost its report is the one the provider recorded; the retry is the one that completed.
    const history = await handle.fetchHistory();
    const started = history.events!.filter((e) => e.activityTaskStartedEventAttributes && e.activityTaskStartedEventAttributes.attempt! > 1);
    expect(started).toHaveLength(1);
    expect(started[0]!.activityTaskStartedEventAttributes!.attempt).toBe(2);
    expect(started[0]!.activityTaskStartedEventAttributes!.lastFailure?.applicationFailureInfo?.type).toBe(WORKER_LOST);
    const { runId } = await handle.describe();
    await expectChargedOnce(systems, handle.workflowId, runId);

    const page = await (await web.get(`/orders/${orderId}`)).text();
    expect(page).toContain('Idempotence across a crash');
    expect(text(page, 'effect-charge')).toBe('Charged $205 once — ChargeCustomer ran twice');
    expect(text(page, 'effect-charge-replays')).toBe('the provider answered once from its record of the first charge, and charged nothing more');
    expect(text(page, 'what-happened')).toBe(`What just happened. ${IDEMPOTENCE_HAPPENED}`);
    expect(await chargeAttempt(web, orderId)).toBe(2);
  });

  it('the JSON API places one idempotently, and the Recent orders list names it by its card', async () => {
    const orderId = newOrderId();
    const api = (body: object) =>
      web.app.request('/api/idempotence/orders', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' } });
    const first = await api({ orderId });
    expect(first.status).toBe(201);
    expect(await first.json()).toMatchObject({ orderId, workflowId: orderWorkflowId(orderId), started: true, links: { page: `/orders/${orderId}` } });
    expect((await api({ orderId })).status).toBe(200);
    expect((await api({ orderId, scenario: 'HappyPath' })).status).toBe(400);
    const handle = workers.client.workflow.getHandle(orderWorkflowId(orderId));
    await handle.result();
    await expectChargedOnce(systems, handle.workflowId, (await handle.describe()).runId);
    const row = await waitFor(async () => text(await (await web.get('/orders/rows')).text(), `order-row-order-${orderId}`), (r) => r !== undefined, 'the order in Recent orders');
    expect(row).toContain('Idempotence across a crash');
    const doc = (await (await web.get('/api/openapi.json')).json()) as { paths: Record<string, unknown> };
    expect(doc.paths).toHaveProperty(['/api/idempotence/orders']);
  });
});

describe('Idempotence across a crash: the real crash, the worker process restarted by the Supervisor', () => {
  let server: TestDatabase;
  let db: Database;
  let systems: Systems;
  let supervisor: Supervisor;
  let web: TestConsole;
  let connection: Connection;
  let client: Client;
  const processes: WorkerProcess[] = [];
  const taskQueue = uniqueTaskQueue('idempotence-crash');

  beforeAll(async () => {
    server = await startTestDatabase('pglite');
    db = await openDatabase(server.url, { max: 4 });
    systems = createSystems(db);
    supervisor = new Supervisor({ say: () => undefined });
    supervisor.add({
      name: 'orders-worker',
      start: async (): Promise<ChildProcess> => {
        const worker = await startWorkerProcess({ taskQueue, env: { DATABASE_URL: server.url } });
        processes.push(worker);
        return worker.child;
      },
      stop: () => processes.at(-1)!.stop(),
    });
    await supervisor.start('orders-worker');
    connection = await Connection.connect({ address: inject('temporalAddress') });
    client = new Client({ connection });
    web = startTestConsole({ config: testConfig({ TEMPORAL_TASK_QUEUE: taskQueue }), systems });
  });
  afterAll(async () => {
    await supervisor?.stopAll([['orders-worker']]);
    for (const p of processes) await p.stop();
    await web?.close();
    await connection?.close();
    await db?.close();
    await server?.stop();
  });

  it('attempt 1 kills the worker after the charge; restarted, the retry is answered from the key: charged once', async () => {
    const orderId = newOrderId();
    const handle = await client.workflow.start(IDEMPOTENCE_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: orderWorkflowId(orderId),
      args: [{ OrderId: orderId, Address: '123 Main St. Redwood, CA', TimeScale: FAST }],
    });

    // The first worker process dies by its own hand, once the provider recorded the charge.
    const first = processes[0]!;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => {
      if (first.child.exitCode !== null || first.child.signalCode !== null) resolve(first.child.signalCode);
      else first.child.once('exit', (_code, signal) => resolve(signal));
    });
    // An order that completes first was never crashed: fail at once rather than wait for a kill that never comes.
    const exit = await Promise.race([exited, handle.result().then(() => 'completed without a crash')]);
    expect(exit).toBe('SIGKILL');
    // Its last words travel through a pipe and may be read after its exit is.
    await waitFor(async () => first.output.join('\n'), (out) => out.includes('Crashing the worker on purpose'), 'the crash announced in its output');
    const { runId } = await handle.describe();
    const charged = await systems.payments.paymentsOf(handle.workflowId, runId);
    expect(charged.map((p) => p.outcome)).toEqual(['captured']);
    // The server has not heard of the charge: attempt 1 stays started until its 5 s start-to-close timeout.
    // The page tells the story meanwhile (or already the retry, on a slow machine).
    const running = await (await web.get(`/orders/${orderId}`)).text();
    expect(['losing-report', 'retried']).toContain(testidAttr(running, 'idempotence-note', 'data-stage'));

    await handle.result();
    // Restarted once by the Supervisor, and the second process did not crash: once per order.
    expect(processes).toHaveLength(2);
    const status = supervisor.status().parts.find((p) => p.name === 'orders-worker')!;
    expect(status).toMatchObject({ state: 'running', restarts: 1 });
    expect(processes[1]!.output.join('\n')).not.toContain('Crashing the worker on purpose');

    // The server retried the attempt that never reported: it timed out (start-to-close), not failed.
    const history = await handle.fetchHistory();
    const retried = history.events!.find((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1)?.activityTaskStartedEventAttributes;
    expect(retried?.attempt).toBe(2);
    expect(retried?.lastFailure?.timeoutFailureInfo).toBeTruthy();
    await expectChargedOnce(systems, handle.workflowId, runId);

    const page = await (await web.get(`/orders/${orderId}`)).text();
    expect(text(page, 'effect-charge')).toBe('Charged $205 once — ChargeCustomer ran twice');
    expect(text(page, 'effect-charge-replays')).toBe('the provider answered once from its record of the first charge, and charged nothing more');
  });
});
