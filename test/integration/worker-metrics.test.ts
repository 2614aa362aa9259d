/**
 * The orders worker's Prometheus endpoint and health endpoints, from the REAL entry point in a child
 * process against the run's dev server: the demo's own counters move by exactly what a scenario does,
 * compensations are not counted again when a finished order is replayed, and the exposition parses.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseExposition, sum, type Exposition } from '../../src/metrics/exposition.js';
import { WORKER_METRICS } from '../../src/metrics/names.js';
import { getProgressQuery, orderWorkflowId, PROGRESS, workflowTypeOf, type Scenario } from '../../src/temporal/contract.js';
import { createWorkerControlClient } from '../../src/temporal/worker-control-client.js';
import { uniqueTaskQueue } from '../support/env.js';
import { getJson, startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { FAST, newOrderId } from '../support/workers.js';

const { activityAttempts, activityFailures, compensations } = WORKER_METRICS;
const taskQueue = uniqueTaskQueue('metrics');
const controlSecret = randomBytes(24).toString('base64url');
let worker: WorkerProcess;
let connection: Connection;
let client: Client;

beforeAll(async () => {
  worker = await startWorkerProcess({ taskQueue, controlSecret });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await connection?.close();
});

async function scrape(): Promise<Exposition> {
  const response = await fetch(worker.metricsUrl);
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

function startOrder(scenario: Scenario): Promise<WorkflowHandle> {
  const orderId = newOrderId();
  return client.workflow.start(workflowTypeOf(scenario), {
    taskQueue,
    workflowId: orderWorkflowId(orderId),
    args: [{ OrderId: orderId, Address: '123 Main St. Redwood, CA', TimeScale: FAST }],
  });
}

describe('orders worker metrics', () => {
  it('APIFailure: ChargeCustomer attempts +5 and failures +4, labelled by scenario and activity', async () => {
    const charge = { scenario: 'APIFailure', activity: 'ChargeCustomer' };
    const before = await scrape();
    await (await startOrder('APIFailure')).result();
    const after = await scrape();
    expect(sum(after, activityAttempts.name, charge) - sum(before, activityAttempts.name, charge)).toBe(5);
    expect(sum(after, activityFailures.name, charge) - sum(before, activityFailures.name, charge)).toBe(4);
    const fraud = { scenario: 'APIFailure', activity: 'CheckFraud' };
    expect(sum(after, activityAttempts.name, fraud) - sum(before, activityAttempts.name, fraud)).toBe(1);
    expect(sum(after, activityFailures.name, fraud) - sum(before, activityFailures.name, fraud)).toBe(0);
  });

  it('NonRecoverableFailure: compensations +2 (UndoChargeCustomer, UndoPrepareShipment), not again on replay', async () => {
    const of = (e: Exposition, compensation: string) => sum(e, compensations.name, { scenario: 'NonRecoverableFailure', compensation });
    const before = await scrape();
    const handle = await startOrder('NonRecoverableFailure');
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowFailedError);
    const after = await scrape();
    expect(of(after, 'UndoChargeCustomer') - of(before, 'UndoChargeCustomer')).toBe(1);
    expect(of(after, 'UndoPrepareShipment') - of(before, 'UndoPrepareShipment')).toBe(1);
    expect(sum(after, compensations.name) - sum(before, compensations.name)).toBe(2);

    // A redeploy starts a Worker with an empty cache: to answer a query on the closed order it must replay
    // the whole history, compensations included, to rebuild the state it answers from.
    await createWorkerControlClient({ url: worker.controlUrl, secret: controlSecret }).deployFix();
    expect(await handle.query(getProgressQuery)).toBe(PROGRESS.shipmentPrepared);
    expect(sum(await scrape(), compensations.name)).toBe(sum(after, compensations.name));
  });

  it('serves a well-formed exposition with the SDK\'s metrics and ours, typed and described', async () => {
    const exposition = await scrape();
    for (const { name } of Object.values(WORKER_METRICS)) {
      expect(exposition.families.get(name)).toMatchObject({ type: 'counter', help: expect.any(String) });
    }
    for (const name of ['temporal_workflow_completed', 'temporal_activity_execution_failed', 'temporal_num_pollers', 'temporal_long_request']) {
      expect(exposition.families.has(name), name).toBe(true);
    }
    expect(sum(exposition, 'temporal_num_pollers', { task_queue: taskQueue, poller_type: 'workflow_task' })).toBeGreaterThan(0);
  });

  it('answers /healthz and /readyz while polling, without the control channel\'s secret', async () => {
    expect(await getJson(`${worker.controlUrl}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await getJson(`${worker.controlUrl}/readyz`);
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready', checks: { worker: 'RUNNING', server: 'ok', lastPollFailureAt: null } } });
    expect((await getJson(`${worker.controlUrl}/status`)).status).toBe(401);
  });

  it('logs order lines with workflowId, runId and scenario, as JSON', () => {
    const lines = worker.output.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const orderLines = lines.filter((l) => typeof l.workflowId === 'string' && String(l.workflowId).startsWith('order-'));
    expect(orderLines.length).toBeGreaterThan(5);
    for (const line of orderLines) expect(line).toMatchObject({ runId: expect.any(String), scenario: expect.any(String) });
    // The SDK's workflow logger (through the runtime) and our activity wrapper both contribute.
    expect(orderLines.some((l) => l.sdkComponent === 'workflow' && l.msg === 'Order step')).toBe(true);
    expect(orderLines.some((l) => l.msg === 'Activity completed' && l.activity === 'ChargeCustomer')).toBe(true);
  });
});
