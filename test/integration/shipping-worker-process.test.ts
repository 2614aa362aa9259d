/**
 * The Nexus shipping worker's REAL entry point in a child process: its own Prometheus endpoint and its own
 * health endpoints (a separate process, separate ports), and no control channel.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseExposition, sum } from '../../src/metrics/exposition.js';
import { NO_SCENARIO, WORKER_METRICS } from '../../src/metrics/names.js';
import { SHIPPING_WORKFLOW_TYPE } from '../../src/temporal/contract.js';
import { testConfig, uniqueTaskQueue } from '../support/env.js';
import { getJson, startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';
import { FAST, newOrderId } from '../support/workers.js';

// A task queue of its own in the handler's namespace: the Nexus suite's in-process handler keeps 'shipping'.
const taskQueue = uniqueTaskQueue('shipping-proc');
const namespace = testConfig().nexus.handler.namespace;
let worker: WorkerProcess;
let connection: Connection;

beforeAll(async () => {
  worker = await startWorkerProcess({ entry: 'shipping', taskQueue });
  connection = await Connection.connect({ address: inject('temporalAddress') });
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await connection?.close();
});

describe('shipping worker process', () => {
  it('answers /healthz and /readyz on its own address, and serves no control channel', async () => {
    expect(await getJson(`${worker.controlUrl}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await getJson(`${worker.controlUrl}/readyz`)).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { worker: 'RUNNING', server: 'ok', lastPollFailureAt: null } },
    });
    expect((await getJson(`${worker.controlUrl}/status`)).status).toBe(404);
  });

  it('exports the SDK\'s metrics and the demo\'s activity counters on its own endpoint', async () => {
    const client = new Client({ connection, namespace });
    const orderId = newOrderId();
    await client.workflow.execute(SHIPPING_WORKFLOW_TYPE, {
      taskQueue,
      workflowId: `shipment-${orderId}-${randomUUID().slice(0, 8)}`,
      args: [{ Order: { OrderId: orderId, Address: '1 Dock St', TimeScale: FAST }, Item: { id: 654300, description: 'Table Top', quantity: 1 } }],
    });
    const exposition = parseExposition(await (await fetch(worker.metricsUrl)).text());
    expect(sum(exposition, WORKER_METRICS.activityAttempts.name, { scenario: NO_SCENARIO, activity: 'ShipOrder' })).toBe(1);
    expect(sum(exposition, 'temporal_num_pollers', { task_queue: taskQueue })).toBeGreaterThan(0);
    expect(worker.output.some((line) => line.includes('Shipping worker started'))).toBe(true);
  });
});
