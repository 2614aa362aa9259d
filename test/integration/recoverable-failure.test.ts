/**
 * RecoverableFailure: the bug fails the workflow TASK (the order waits, nothing is undone) until the
 * fixed code is deployed; then the same execution replays and completes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ACTIVITY, SIMULATED_BUG_MESSAGE } from '../../src/temporal/contract.js';
import type { OrderDescription } from '../../src/temporal/client.js';
import { readHistory, throwSite } from '../../src/web/orders/history.js';
import { buildOrderView, retryWait } from '../../src/web/orders/view.js';
import { createOrdersWorker } from '../../src/worker/orders-worker.js';
import { testBundles } from '../support/bundles.js';
import { testConfig, uniqueTaskQueue } from '../support/env.js';
import { historyOf, ofType, scheduledActivities } from '../support/history.js';
import { resultOf, startTestWorkers, testLogger, waitFor, type TestWorkers } from '../support/workers.js';

let workers: TestWorkers;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'recoverable' });
});
afterAll(() => workers?.stop());

describe('RecoverableFailure', () => {
  it('is stuck on workflow task failures with the bug message, then completes once the fix is redeployed', async () => {
    expect(workers.orders.fixed).toBe(false);
    // A short task timeout: after the second failure the SDK stops reporting and lets attempts time out.
    const handle = await workers.startOrder('RecoverableFailure', { Address: '3 Bug St' }, { workflowTaskTimeout: '2s' });

    const failures = await waitFor(
      async () => ofType(await historyOf(handle), 'WorkflowTaskFailed'),
      (events) => events.length > 0,
      'a workflow task failure',
    );
    expect(failures[0]?.attributes.failure.message).toBe(SIMULATED_BUG_MESSAGE);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const stuck = await historyOf(handle);
    expect(scheduledActivities(stuck)).toEqual([ACTIVITY.checkFraud, ACTIVITY.prepareShipment, ACTIVITY.chargeCustomer]);
    expect(ofType(stuck, 'TimerFired')).toHaveLength(3); // reached 75 %

    // What the console's banner reads from this history: the line that threw and the task timeout.
    const facts = readHistory((await handle.fetchHistory()).events ?? []);
    expect(facts.taskFailure?.where).toEqual({ file: 'recoverable-failure.ts', line: bugLine() });
    expect(facts.taskTimeoutMs).toBe(2000);

    await workers.orders.redeploy();
    expect(workers.orders.fixed).toBe(true);
    expect(await resultOf(handle)).toMatchObject({ address: '3 Bug St' });
    const events = await historyOf(handle);
    expect(scheduledActivities(events).filter((a) => a === ACTIVITY.shipOrder)).toHaveLength(3);
    expect(scheduledActivities(events)).not.toContain(ACTIVITY.undoChargeCustomer);
  });

  it('starts with the fix deployed when ORDER_DEMO_FIX_DEPLOYED=true', async () => {
    const config = testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('fixed'), ORDER_DEMO_FIX_DEPLOYED: 'true' });
    const { NativeConnection } = await import('@temporalio/worker');
    const connection = await NativeConnection.connect({ address: config.temporal.address! });
    const worker = await createOrdersWorker({ config, connection, logger: testLogger(), workflowBundle: testBundles });
    const running = worker.run();
    try {
      expect(worker.fixed).toBe(true);
      const handle = await workers.client.workflow.start('OrderWorkflowRecoverableFailure', {
        taskQueue: config.taskQueue,
        workflowId: `order-${Date.now() % 1e9}`,
        args: [{ OrderId: String(Date.now() % 1e9), Address: '4 Fixed St', TimeScale: 0.05 }],
      });
      expect((await resultOf(handle)).address).toBe('4 Fixed St');
      expect(ofType(await historyOf(handle), 'WorkflowTaskFailed')).toHaveLength(0);
    } finally {
      await worker.shutdown();
      await running;
      await connection.close();
    }
  });
});

describe('the stuck banner\'s facts', () => {
  it('finds the line that threw in any SDK\'s stack trace, skipping SDK and dependency frames', () => {
    const site = (stackTrace: string, cause?: { stackTrace: string }) => throwSite({ message: 'boom', stackTrace, cause });
    // TypeScript (source-mapped by the SDK; V8 first quotes the bundle line that rethrew).
    expect(site('/w/workflow-bundle-ab12.js:6627\n    throw this.workflowTaskError;\n\nError: boom\n    at Object.afterCharge (/w/src/workflows/recoverable-failure.ts:12:12)\n    at options (/w/src/workflows/order-flow.ts:56:10)'))
      .toEqual({ file: 'recoverable-failure.ts', line: 12 });
    // Go: the panic's frames, the SDK's first.
    expect(site('coroutine root [panic]:\ngo.temporal.io/sdk/internal.(*coroutineState).call(...)\n\t/go/pkg/mod/go.temporal.io/sdk@v1.31.0/internal/internal_workflow.go:1003 +0x1d\napp.OrderWorkflowRecoverableFailure(...)\n\t/src/app/workflows.go:142 +0x2a5'))
      .toEqual({ file: 'workflows.go', line: 142 });
    // Python.
    expect(site('  File "/venv/lib/python3.12/site-packages/temporalio/worker/_workflow_instance.py", line 2000, in _run\n  File "/app/workflows.py", line 87, in run\n    raise RuntimeError("boom")'))
      .toEqual({ file: 'workflows.py', line: 87 });
    // Java, and .NET.
    expect(site('java.lang.RuntimeException: boom\n\tat io.temporal.internal.sync.WorkflowThread.run(WorkflowThreadImpl.java:100)\n\tat app.OrderWorkflowImpl.run(OrderWorkflowImpl.java:61)'))
      .toEqual({ file: 'OrderWorkflowImpl.java', line: 61 });
    expect(site('   at App.OrderWorkflow.RunAsync() in /src/App/OrderWorkflow.cs:line 44')).toEqual({ file: 'OrderWorkflow.cs', line: 44 });
    // Only in a cause, or nowhere.
    expect(site('', { stackTrace: '    at run (/w/src/workflows/order-flow.ts:9:1)' })).toEqual({ file: 'order-flow.ts', line: 9 });
    expect(site('Error: boom')).toBeUndefined();
  });

  // Attempt timings as measured on the dev server (a RecoverableFailure order, 2 s task timeout, 3 minutes stuck).
  const failedAt = Date.parse('2026-01-01T10:00:00Z');
  const stuck = (attempt: number, scheduledAfterMs: number) => {
    const d: OrderDescription = {
      orderId: '1', workflowId: 'order-1', runId: 'r', workflowType: 'OrderWorkflowRecoverableFailure', scenario: 'RecoverableFailure',
      status: 'RUNNING', historyLength: 41, startTime: new Date(failedAt - 5000), closeTime: undefined, orderStatus: undefined,
      pendingActivities: [], pendingNexusOperations: [],
      pendingWorkflowTask: { attempt, started: true, scheduledAt: failedAt + scheduledAfterMs },
    };
    const facts = { ...readHistory([]), taskFailure: { message: SIMULATED_BUG_MESSAGE, at: failedAt, where: undefined }, taskTimeoutMs: 2000 };
    return buildOrderView(d, facts, {}, { namespace: 'default', nexusNamespace: 'nexus-demo' }).stuck!;
  };

  it('retries every task timeout when the server does not slow down (npm start\'s dev server)', () => {
    const s = stuck(89, 175_500); // 87 attempts of about 2 s
    expect(s).toMatchObject({ retryEveryMs: 2000, slowingDown: false, nextRetryAt: failedAt + 177_500 });
    expect(retryWait(s, failedAt + 176_000)).toBe('in about 2 s');
    expect(retryWait(s, failedAt + 178_000)).toBe('any moment now');
  });

  it('expects the server\'s growing wait on a server with the default retry settings', () => {
    const s = stuck(9, 155_800); // attempts 4 to 8 lasted 2 s + 5, 10, 20, 40, 80 s (less jitter)
    expect(s.slowingDown).toBe(true);
    expect(s.retryEveryMs).toBe(2000 + 0.9 * 160_000);
    expect(stuck(3, 2000).slowingDown).toBe(false);
  });

  it('has no time for the next attempt while no worker has picked the task up', () => {
    expect(retryWait({ nextRetryAt: undefined }, failedAt)).toBe('as soon as a worker picks the task up');
  });
});

/** The line of the workflow source that throws the simulated bug. */
function bugLine(): number {
  const source = readFileSync(new URL('../../src/workflows/recoverable-failure.ts', import.meta.url), 'utf8').split('\n');
  return source.findIndex((line) => line.includes('throw new Error(SIMULATED_BUG_MESSAGE)')) + 1;
}
