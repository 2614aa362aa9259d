import { ApplicationFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { sdkLogger } from '../worker/runtime.js';
import { API_FAILURE_MESSAGE, INVALID_CREDIT_CARD, type OrderInput } from '../temporal/contract.js';
import { createActivities } from './index.js';

const order: OrderInput = { OrderId: '123456', Address: '1 Main', TimeScale: 0.001 };
const lines: string[] = [];
const logger = createLogger({ name: 'test', level: 'debug', json: true, write: (line) => lines.push(line) });

function run<A extends unknown[], R>(info: { attempt?: number; workflowType?: string }, fn: (...args: A) => Promise<R>, ...args: A) {
  return new MockActivityEnvironment(info, { logger: sdkLogger(logger) }).run(fn, ...args);
}

async function failure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('activities', () => {
  const acts = createActivities({ logger, shippingEndpoint: 'shipping-endpoint' });

  it('GetItems returns the three contract items sorted by id', async () => {
    expect(await run({}, acts.GetItems, order)).toEqual([
      { id: 654300, description: 'Table Top', quantity: 1 },
      { id: 654321, description: 'Table Legs', quantity: 2 },
      { id: 654322, description: 'Keypad', quantity: 1 },
    ]);
  });

  it('ChargeCustomer fails attempts 1-4 of APIFailure with a retryable "API unavailable", succeeds on 5', async () => {
    for (const attempt of [1, 2, 3, 4]) {
      const err = await failure(run({ attempt }, acts.ChargeCustomer, order, 'OrderWorkflowAPIFailure'));
      expect(err).toMatchObject({ message: API_FAILURE_MESSAGE, nonRetryable: false });
    }
    await expect(run({ attempt: 5 }, acts.ChargeCustomer, order, 'OrderWorkflowAPIFailure')).resolves.toBeUndefined();
  });

  it('ChargeCustomer rejects the card of NonRecoverableFailure with a non-retryable InvalidCreditCard', async () => {
    const err = await failure(run({ attempt: 1 }, acts.ChargeCustomer, order, 'OrderWorkflowNonRecoverableFailure'));
    expect(err).toMatchObject({ type: INVALID_CREDIT_CARD, nonRetryable: true });
  });

  it('ChargeCustomer falls back to the workflow type in its activity context when the caller omits it', async () => {
    const err = await failure(run({ attempt: 1, workflowType: 'OrderWorkflowNonRecoverableFailure' }, acts.ChargeCustomer, order));
    expect(err.type).toBe(INVALID_CREDIT_CARD);
    await expect(run({ attempt: 1, workflowType: 'OrderWorkflowHappyPath' }, acts.ChargeCustomer, order)).resolves.toBeUndefined();
  });

  it('ShipOrder takes the {Order, Item} input; GetShippingEndpoint answers from config or fails for good', async () => {
    await expect(run({}, acts.ShipOrder, { Order: order, Item: { id: 1, description: 'x', quantity: 1 } })).resolves.toBeUndefined();
    expect(await run({}, acts.GetShippingEndpoint)).toBe('shipping-endpoint');
    const unconfigured = createActivities({ logger });
    expect(await failure(run({}, unconfigured.GetShippingEndpoint))).toMatchObject({ nonRetryable: true });
  });

  it('reports attempts and failures to the hooks and logs with the order fields', async () => {
    const seen: string[] = [];
    const hooked = createActivities({
      logger,
      hooks: {
        onAttempt: (call) => seen.push(`attempt ${call.activityType} ${call.attempt} ${call.scenario}`),
        onSuccess: (call) => seen.push(`ok ${call.activityType}`),
        onFailure: (call, err) => seen.push(`failed ${call.activityType} ${(err as Error).message}`),
      },
    });
    const info = { attempt: 2, workflowType: 'OrderWorkflowAPIFailure', activityType: 'ChargeCustomer' };
    await run(info, hooked.ChargeCustomer, order).catch(() => undefined);
    await run({ ...info, attempt: 5 }, hooked.ChargeCustomer, order);
    expect(seen).toEqual([
      'attempt ChargeCustomer 2 APIFailure',
      `failed ChargeCustomer ${API_FAILURE_MESSAGE}`,
      'attempt ChargeCustomer 5 APIFailure',
      'ok ChargeCustomer',
    ]);
    expect(lines.some((l) => l.includes('"scenario":"APIFailure"') && l.includes('"workflowId"'))).toBe(true);
  });
});
