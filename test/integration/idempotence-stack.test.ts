/**
 * Idempotence across a crash as `npm start` runs it: the whole demo of its own (dev server, gateway, embedded
 * database, workers and console as child processes on free ports, under the supervisor, the workers' code
 * built by prebuild as the launcher runs it). An order placed through the console's JSON API kills the orders
 * worker once, the supervisor brings it back by itself, and the database says: charged once. Nothing here
 * restarts anything or measures time.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { restartsOf } from '../../scripts/lib/drill.js';
import { startLocalStack, type LocalStack } from '../../scripts/lib/local-stack.js';
import { IDEMPOTENCE_WORKFLOW_TYPE } from '../../src/idempotence/api.js';
import { ACTIVITY, orderWorkflowId } from '../../src/temporal/contract.js';
import { newOrderId } from '../support/workers.js';
import { testid } from './web-support.js';

let ls: LocalStack;
let consoleUrl: string;

beforeAll(async () => {
  ls = await startLocalStack({
    supervise: true,
    env: { TEMPORAL_CLI_PATH: inject('temporalCliPath'), ORDER_DEMO_TIME_SCALE: '0.1' },
  });
  consoleUrl = `http://127.0.0.1:${ls.env.WEB_PORT}`;
}, 180_000);

afterAll(async () => {
  await ls?.stop();
}, 60_000);

describe('Idempotence across a crash under the supervisor of npm start', () => {
  it('the worker dies once after the charge, comes back by itself, and the customer is charged once', { timeout: 120_000 }, async () => {
    const before = restartsOf(ls, 'orders-worker');
    const orderId = newOrderId();
    const placed = await fetch(`${consoleUrl}/api/idempotence/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId }),
    });
    expect(placed.status).toBe(201);
    const handle = ls.client.workflow.getHandle(orderWorkflowId(orderId));
    expect((await handle.describe()).type).toBe(IDEMPOTENCE_WORKFLOW_TYPE);
    await handle.result();

    // Killed once by its own ChargeCustomer, restarted by the supervisor (the test never starts it).
    expect(restartsOf(ls, 'orders-worker') - before).toBe(1);
    const history = await handle.fetchHistory();
    const retried = history.events!.find((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1)?.activityTaskStartedEventAttributes;
    expect(retried?.attempt).toBe(2);
    expect(retried?.lastFailure?.timeoutFailureInfo).toBeTruthy();

    const { runId } = await handle.describe();
    const charges = (await ls.systems.payments.paymentsOf(handle.workflowId, runId)).filter((p) => p.kind === 'charge');
    expect(charges.map((p) => [p.outcome, p.amountCents])).toEqual([['captured', 20_500]]);
    expect(await ls.systems.payments.requestsOf(handle.workflowId, runId, 'charge')).toEqual({ total: 2, replayed: 1 });

    const api = (await (await fetch(`${consoleUrl}/api/orders/${orderId}`)).json()) as { steps: { key: string; attempt: number | null }[] };
    expect(api.steps.find((s) => s.key === ACTIVITY.chargeCustomer)?.attempt).toBe(2);
    const page = await (await fetch(`${consoleUrl}/orders/${orderId}`)).text();
    expect(testid(page, 'effect-charge')?.replace(/\s+/g, ' ').trim()).toBe('Charged $205 once — ChargeCustomer ran twice');
    expect(testid(page, 'what-happened')).toContain('the worker died right after the payment provider recorded the charge');
  });
});
