/**
 * RecoverableFailure: the bug fails the workflow TASK (the order waits, nothing is undone) until the
 * fixed code is deployed; then the same execution replays and completes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY, SIMULATED_BUG_MESSAGE } from '../../src/temporal/contract.js';
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
