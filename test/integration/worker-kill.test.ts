/**
 * Durability: the real worker entry point is killed with SIGKILL mid-order; a new worker process picks the
 * order up from its history and finishes it with the right result.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getProgressQuery, orderWorkflowId, PROGRESS, type OrderResult } from '../../src/temporal/contract.js';
import { uniqueTaskQueue } from '../support/env.js';
import { historyOf, ofType } from '../support/history.js';
import { freePort } from '../support/worker-process.js';
import { newOrderId, waitFor } from '../support/workers.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const taskQueue = uniqueTaskQueue('kill');
const children = new Set<ChildProcess>();
const outputs = new Map<ChildProcess, string>();
let connection: Connection;
let client: Client;

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  await Promise.all([...children].map(stop));
  await connection?.close();
});

/** Graceful stop (SIGTERM to the group); resolves when every process of it has let go of the output pipes. */
function stop(child: ChildProcess): Promise<unknown> {
  const exited = new Promise((resolve) => child.once('close', resolve));
  killGroup(child, 'SIGTERM');
  return exited;
}

/** Starts `npx tsx src/worker/orders.ts` in its own process group and waits for its "started" line. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn('npx', ['tsx', 'src/worker/orders.ts'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      // Free ports: the defaults may belong to a demo running on this machine, or to another suite.
      WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
      WORKER_CONTROL_ADDRESS: `127.0.0.1:${await freePort()}`,
      LOG_LEVEL: 'info',
      // Unversioned, like every suite's worker but the versioning one: the run's server is shared.
      ORDER_DEMO_VERSIONING: 'false',
    },
  });
  children.add(child);
  child.once('close', () => children.delete(child));
  outputs.set(child, '');
  const collect = (chunk: Buffer): void => void outputs.set(child, outputs.get(child) + chunk.toString());
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', () => outputs.get(child)?.includes('Orders worker started') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before starting:\n${outputs.get(child)}`)));
  });
  return child;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

describe('worker crash', () => {
  it('a SIGKILLed worker process loses nothing: a new process finishes the order', { timeout: 120_000 }, async () => {
    const first = await startWorkerProcess();
    const orderId = newOrderId();
    // Slow enough that the kill lands mid-order on a busy machine: progress 25 is set as CheckFraud completes,
    // and timers of 1/1/3 s and shipping of 1–4 s still lie ahead.
    const handle = await client.workflow.start('OrderWorkflowHappyPath', {
      taskQueue,
      workflowId: orderWorkflowId(orderId),
      args: [{ OrderId: orderId, Address: '11 Crash Ct', TimeScale: 1 }],
    });
    await waitFor(() => handle.query(getProgressQuery), (p) => p >= PROGRESS.fraudChecked, 'progress 25');

    const exited = new Promise((resolve) => first.once('close', resolve));
    killGroup(first, 'SIGKILL');
    await exited;
    expect((await handle.describe()).status.name).toBe('RUNNING');

    const second = await startWorkerProcess();
    const result = (await handle.result()) as OrderResult;
    expect(result).toEqual({ trackingId: expect.stringMatching(/^[0-9a-f-]{36}$/), address: '11 Crash Ct' });

    // Both processes worked on the order: the second finished what the first started.
    const identities = ofType(await historyOf(handle), 'WorkflowTaskStarted').map((e) => e.attributes.identity as string);
    expect(new Set(identities).size).toBe(2);
    expect(identities.at(-1)).not.toBe(identities[0]);
    await stop(second);
    expect(outputs.get(second)).toContain('Orders worker stopped');
    expect(outputs.get(first)).not.toContain('Orders worker stopped');
    // Started without WORKER_CONTROL_SECRET: it says why it has no control channel.
    expect(outputs.get(first)).toContain('No WORKER_CONTROL_SECRET');
  });
});
