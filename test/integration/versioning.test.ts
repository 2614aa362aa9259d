/**
 * Worker Versioning: the orders worker runs v1 (bug) and v2 (fix) of its own Worker Deployment; the
 * console's deployment control makes v2 current and a stuck RecoverableFailure order moves to it and
 * completes; Restore the bug makes v1 current again; a restarted worker keeps the server's choice.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { orderWorkflowId, workflowTypeOf, type Scenario } from '../../src/temporal/contract.js';
import { createDeploymentControl, deploymentReader, describeDeployment, type DeploymentControl } from '../../src/temporal/deployments.js';
import type { WorkerControl } from '../../src/web/deps.js';
import { createOrdersWorker, type OrdersWorkerHandle } from '../../src/worker/orders-worker.js';
import { testBundles } from '../support/bundles.js';
import { testConfig, uniqueTaskQueue } from '../support/env.js';
import { historyOf, ofType, type HistoryEvent } from '../support/history.js';
import { startTestConsole, testidAttr } from './web-support.js';
import { ensureRuntime, FAST, newOrderId, resultOf, testLogger, waitFor } from '../support/workers.js';

const logger = testLogger('versioning-test');
let config: Config;
let connection: NativeConnection;
let clientConnection: Connection;
let client: Client;
let control: DeploymentControl;

/** An orders worker of this file's deployment, running; stop() ends it (a restart is stop() then start()). */
async function startWorker(): Promise<{ worker: OrdersWorkerHandle; stop(): Promise<void> }> {
  const worker = await createOrdersWorker({ config, connection, logger, workflowBundle: testBundles, fixed: false });
  const running = worker.run();
  await worker.versioning!.started;
  return {
    worker,
    async stop() {
      await worker.shutdown();
      await running;
    },
  };
}

function startOrder(scenario: Scenario) {
  const orderId = newOrderId();
  return client.workflow.start(workflowTypeOf(scenario), {
    taskQueue: config.taskQueue,
    workflowId: orderWorkflowId(orderId),
    args: [{ OrderId: orderId, Address: '5 Version St', TimeScale: FAST }],
    workflowTaskTimeout: '2s',
  });
}

/** "<behaviour> <build id>" of each completed workflow task. */
function taskVersions(events: HistoryEvent[]): Set<string> {
  return new Set(
    ofType(events, 'WorkflowTaskCompleted').map((e) => `${String(e.attributes.versioningBehavior).replace(/^VERSIONING_BEHAVIOR_/, '')} ${e.attributes.deploymentVersion?.buildId}`),
  );
}

const deploymentNow = async () => describeDeployment(client.workflowService, config.temporal.namespace, config.versioning.deploymentName);
const current = async () => (await deploymentNow())?.currentBuildId;
/** The version labels of the console's event history rows (data-testid="history-version"), oldest first. */
const historyLabels = (html: string): string[] => [...html.matchAll(/data-testid="history-version" title="Ran on build ([^"]+)">([^<]+)</g)].map((m) => `${m[2]} ${m[1]}`).reverse();

/** The count the operator page's split shows for a build id (-1: no row). */
function testidCount(html: string, buildId: string): number {
  const m = new RegExp(`data-testid="deployment-split-row" data-build-id="${buildId}" data-count="(\\d+)"`).exec(html);
  return m ? Number(m[1]) : -1;
}

beforeAll(async () => {
  ensureRuntime(logger);
  const name = uniqueTaskQueue('versioning');
  config = testConfig({ TEMPORAL_TASK_QUEUE: name, ORDER_DEMO_VERSIONING: 'true', ORDER_DEMO_DEPLOYMENT: `deploy-${name}` });
  connection = await NativeConnection.connect({ address: config.temporal.address! });
  clientConnection = await Connection.connect({ address: config.temporal.address! });
  client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  control = createDeploymentControl({ client, config });
});
afterAll(async () => {
  await connection?.close();
  await clientConnection?.close();
});

describe('Worker Versioning', () => {
  it('deploys the fix as version 2, restores version 1, and keeps the current version across a restart', async () => {
    const first = await startWorker();
    let second: Awaited<ReturnType<typeof startWorker>> | undefined;
    try {
      const { bugBuildId, fixBuildId } = first.worker.versioning!;
      expect(bugBuildId).toMatch(/^v1-[0-9a-f]{16}$/);
      expect(fixBuildId).toBe(bugBuildId.replace(/^v1-/, 'v2-'));
      expect(await current()).toBe(bugBuildId);
      expect(await control.status()).toEqual({ fixDeployed: false });
      // Preflight and Operator count pollers with DescribeTaskQueue: versioned pollers must show there.
      for (const taskQueueType of [1, 2]) {
        const { pollers } = await client.workflowService.describeTaskQueue({ namespace: config.temporal.namespace, taskQueue: { name: config.taskQueue }, taskQueueType });
        expect(pollers?.map((p) => p.identity)).toContain(first.worker.identity);
      }

      // A HappyPath order runs to the end on the version it started on (PINNED).
      const happy = await startOrder('HappyPath');
      expect((await resultOf(happy)).address).toBe('5 Version St');
      expect(taskVersions(await historyOf(happy))).toEqual(new Set([`PINNED ${bugBuildId}`]));

      const stuck = await startOrder('RecoverableFailure');
      await waitFor(async () => ofType(await historyOf(stuck), 'WorkflowTaskFailed'), (events) => events.length > 0, 'a workflow task failure');

      const deployedAt = Date.now();
      expect(await control.deployFix()).toEqual({ fixDeployed: true, changed: true });
      expect(await current()).toBe(fixBuildId);
      expect((await resultOf(stuck)).address).toBe('5 Version St');
      logger.info('stuck order completed after the fix', { ms: Date.now() - deployedAt });
      // Its tasks ran on v1 up to the bug, then on v2 (auto-upgrade), in the same execution.
      expect(taskVersions(await historyOf(stuck))).toEqual(new Set([`AUTO_UPGRADE ${bugBuildId}`, `AUTO_UPGRADE ${fixBuildId}`]));
      expect(await control.deployFix()).toEqual({ fixDeployed: true, changed: false });
      expect(await control.status()).toEqual({ fixDeployed: true });

      // The console: Deploy fix through its route says so, and the operator page lists both versions.
      const web = startTestConsole({ config, workerControl: control, deployment: deploymentReader(client, config), deploymentRamp: control });
      try {
        // The order page's event history: the stuck order's workflow tasks ran on v1, then on v2.
        const labels = historyLabels(await (await web.get(`/orders/${stuck.workflowId.replace(/^order-/, '')}/history`)).text());
        expect(labels[0]).toBe(`v1 ${bugBuildId}`);
        expect(labels.at(-1)).toBe(`v2 ${fixBuildId}`);
        expect([...new Set(labels)]).toEqual([`v1 ${bugBuildId}`, `v2 ${fixBuildId}`]);
        // The fix is current: nothing to ramp.
        const refused = await web.post('/operator/ramp', { percentage: '50' });
        expect(refused.status).toBe(409);
        expect(await refused.text()).toContain('already the current version');
        expect(await (await web.post('/worker/deploy-fix', { orderId: '1' })).text()).toContain('already deployed');
        const figures = await (await web.get('/operator/figures')).text();
        expect(figures).toContain(`data-build-id="${fixBuildId}" data-role="current"`);
        expect(figures).toContain(`data-build-id="${bugBuildId}" data-role=""`);
        const preflight = await (await web.get('/preflight')).text();
        expect(testidAttr(preflight, 'check-deploy-fix-mode', 'data-status')).toBe('ok');
        expect(preflight).toContain(`current version ${fixBuildId} (the fix)`);
        if (config.temporal.uiUrl) expect(figures).toContain(`${config.temporal.uiUrl}/namespaces/default/deployments/${config.versioning.deploymentName}`);
      } finally {
        await web.close();
      }

      // A restart (a new worker on the same deployment) keeps the fix the server remembers.
      await first.stop();
      second = await startWorker();
      expect(await current()).toBe(fixBuildId);
      expect(second.worker.fixed).toBe(true);

      expect(await control.restoreBug()).toEqual({ fixDeployed: false, changed: true });
      expect(await current()).toBe(bugBuildId);
      const next = await startOrder('RecoverableFailure');
      await waitFor(async () => ofType(await historyOf(next), 'WorkflowTaskFailed'), (events) => events.length > 0, 'the next order stuck again');
      expect((await next.describe()).status.name).toBe('RUNNING');
      await next.terminate('test over');

      // The ramp: the operator page's form sends 50 % of new orders to v2 (v1 stays current), then stops it.
      const ramping = startTestConsole({ config, workerControl: control, deployment: deploymentReader(client, config), deploymentRamp: control });
      try {
        let figures = await (await ramping.get('/operator/figures')).text();
        expect(figures).toContain('data-testid="ramp-50"');
        expect(figures).not.toContain('data-testid="ramp-stop"');
        const ramped = await ramping.post('/operator/ramp', { percentage: '50' }, { 'hx-request': 'true' });
        expect(ramped.status).toBe(200);
        figures = await ramped.text();
        expect(figures).toContain('id="operator-figures"');
        expect(figures).toContain(`Ramping the fix (${fixBuildId}) to 50 %`);
        expect(await deploymentNow()).toMatchObject({ currentBuildId: bugBuildId, rampingBuildId: fixBuildId, rampingPercentage: 50 });
        expect(figures).toContain(`data-build-id="${fixBuildId}" data-role="ramping"`);
        expect(figures).toContain('data-testid="ramp-stop"');
        // The split of new orders: visibility counts each version's (the happy order and the next on v1, the stuck one moved to v2).
        const split = await waitFor(
          async () => {
            const html = await (await ramping.get('/operator/figures')).text();
            return { v1: testidCount(html, bugBuildId), v2: testidCount(html, fixBuildId) };
          },
          (c) => c.v1 >= 2 && c.v2 >= 1,
          'the split of new orders by version',
        );
        expect(split.v1).toBeGreaterThanOrEqual(2);
        const stopped = await ramping.post('/operator/ramp', { percentage: '0' });
        expect(stopped.status).toBe(303);
        expect(await deploymentNow()).toMatchObject({ currentBuildId: bugBuildId, rampingBuildId: undefined, rampingPercentage: 0 });
        expect((await ramping.post('/operator/ramp', { percentage: '30' })).status).toBe(422);
        // Deploy fix during a ramp makes version 2 current and ends the ramp (as the page says).
        expect(await control.ramp(50)).toEqual({ rampingBuildId: fixBuildId, percentage: 50, changed: true });
        expect(await control.deployFix()).toEqual({ fixDeployed: true, changed: true });
        expect(await deploymentNow()).toMatchObject({ currentBuildId: fixBuildId, rampingBuildId: undefined, rampingPercentage: 0 });
        expect(await control.restoreBug()).toEqual({ fixDeployed: false, changed: true });
      } finally {
        await ramping.close();
      }
      // Versioning off: no ramp (501).
      const off = startTestConsole({ config, workerControl: control, deployment: undefined });
      try {
        const answer = await off.post('/operator/ramp', { percentage: '50' }, { 'hx-request': 'true' });
        expect(answer.status).toBe(200);
        expect(await answer.text()).toMatch(/data-status="501"[^>]*>Worker Versioning is off/);
        expect((await off.post('/operator/ramp', { percentage: '50' })).status).toBe(501);
      } finally {
        await off.close();
      }

      // The worker's own redeploy (its control channel's Deploy fix, the console's fallback) moves the deployment too.
      await second.worker.redeploy({ fixed: true });
      expect(await current()).toBe(fixBuildId);
      expect(await control.status()).toEqual({ fixDeployed: true });
      await second.worker.redeploy({ fixed: false });
      expect(second.worker.fixed).toBe(false);
      expect(await current()).toBe(bugBuildId);
    } finally {
      await second?.stop();
      await first.stop().catch(() => undefined);
    }
  });
});

describe('a server without Worker Deployments', () => {
  it('gets an unversioned worker, with the in-process swap', async () => {
    // The run's server has Worker Deployments: this connection answers DescribeWorkerDeployment as an older one does.
    const unimplemented = () => Promise.reject(Object.assign(new Error('unknown method DescribeWorkerDeployment'), { code: 12 /* UNIMPLEMENTED */ }));
    const service = new Proxy(connection.workflowService, { get: (target, key) => (key === 'describeWorkerDeployment' ? unimplemented : Reflect.get(target, key)) });
    const older = Object.create(connection, { workflowService: { value: service } }) as NativeConnection;
    const own = { ...config, taskQueue: uniqueTaskQueue('versioning-older') };
    const worker = await createOrdersWorker({ config: own, connection: older, logger, workflowBundle: testBundles, fixed: false });
    const running = worker.run();
    try {
      expect(worker.versioning).toBeUndefined();
      const orderId = newOrderId();
      const handle = await client.workflow.start(workflowTypeOf('RecoverableFailure'), {
        taskQueue: own.taskQueue, workflowId: orderWorkflowId(orderId), args: [{ OrderId: orderId, Address: '6 Old St', TimeScale: FAST }], workflowTaskTimeout: '2s',
      });
      await waitFor(async () => ofType(await historyOf(handle), 'WorkflowTaskFailed'), (events) => events.length > 0, 'a workflow task failure');
      await worker.redeploy({ fixed: true });
      expect((await resultOf(handle)).address).toBe('6 Old St');
    } finally {
      await worker.shutdown();
      await running;
    }
  });
});

describe('the console\'s deployment control', () => {
  const fallback: WorkerControl = {
    deployFix: () => Promise.resolve({ fixDeployed: true, changed: true }),
    restoreBug: () => Promise.resolve({ fixDeployed: false, changed: true }),
    status: () => Promise.resolve({ fixDeployed: true }),
  };

  it('hands every call to the worker\'s control channel when the deployment does not exist (an unversioned worker)', async () => {
    const unversioned = createDeploymentControl({ client, config: { ...config, versioning: { enabled: true, deploymentName: 'never-registered' } }, fallback });
    expect(await unversioned.status()).toEqual({ fixDeployed: true });
    expect(await unversioned.deployFix()).toEqual({ fixDeployed: true, changed: true });
    await expect(createDeploymentControl({ client, config: { ...config, versioning: { enabled: true, deploymentName: 'never-registered' } } }).status()).rejects.toThrow(/does not exist/);
  });

  it('asks no server when versioning is off', async () => {
    const off = createDeploymentControl({ client: { workflowService: undefined as never }, config: { ...config, versioning: { enabled: false, deploymentName: 'x' } }, fallback });
    expect(await off.restoreBug()).toEqual({ fixDeployed: false, changed: true });
  });
});
