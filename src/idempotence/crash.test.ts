/** The idempotence extension's ChargeCustomer: attempt 1 loses its report after the charge, once; nothing else does. */
import { ApplicationFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createActivities } from '../activities/index.js';
import type { Systems } from '../db/systems.js';
import { createLogger } from '../logger.js';
import type { OrderInput } from '../temporal/contract.js';
import { sdkLogger } from '../worker/runtime.js';
import { IDEMPOTENCE_WORKFLOW_TYPE, WORKER_LOST } from './api.js';

const order: OrderInput = { OrderId: '424242', Address: '1 Main', TimeScale: 0.001 };
const logger = createLogger({ name: 'test', level: 'error', json: true, write: () => undefined });

/** A provider that records who asked, and the crash calls, in one timeline. */
function timeline() {
  const events: string[] = [];
  const systems = {
    payments: { charge: async (caller: { attempt: number }) => (events.push(`charge ${caller.attempt}`), { outcome: 'captured', amountCents: 20_500, replayed: caller.attempt > 1 }) },
    notifications: { send: async () => void events.push('confirmation') },
  } as unknown as Systems;
  const crashWorker = (why: string): Promise<never> => {
    events.push(`crash: ${why}`);
    return Promise.reject(new Error('crashed'));
  };
  return { events, systems, crashWorker };
}

const run = (attempt: number, fn: (order: OrderInput, type?: string) => Promise<void>, type = IDEMPOTENCE_WORKFLOW_TYPE) =>
  new MockActivityEnvironment({ attempt, workflowType: type, workflowExecution: { workflowId: 'order-424242', runId: 'r1' } }, { logger: sdkLogger(logger) }).run(fn, order, type);

describe('ChargeCustomer of OrderIdempotenceWorkflow', () => {
  it('under a supervisor, attempt 1 crashes the worker right after the provider recorded the charge, before anything else', async () => {
    const t = timeline();
    const acts = createActivities({ logger, systems: t.systems, crashWorker: t.crashWorker });
    await expect(run(1, acts.ChargeCustomer)).rejects.toThrow('crashed');
    expect(t.events).toEqual(['charge 1', expect.stringMatching(/^crash: order order-424242: the payment provider recorded the charge/)]);
    await expect(run(2, acts.ChargeCustomer)).resolves.toBeUndefined();
    expect(t.events.slice(2)).toEqual(['charge 2', 'confirmation']);
  });

  it('without one, attempt 1 fails retryably (WorkerLostBeforeReport) after the charge instead', async () => {
    const t = timeline();
    const acts = createActivities({ logger, systems: t.systems });
    const err = await run(1, acts.ChargeCustomer).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).type).toBe(WORKER_LOST);
    expect((err as ApplicationFailure).nonRetryable).toBe(false);
    expect(t.events).toEqual(['charge 1']);
  });

  it('no other order crashes or fails: a HappyPath attempt 1 charges and reports', async () => {
    const t = timeline();
    const acts = createActivities({ logger, systems: t.systems, crashWorker: t.crashWorker });
    await expect(run(1, acts.ChargeCustomer, 'OrderWorkflowHappyPath')).resolves.toBeUndefined();
    expect(t.events).toEqual(['charge 1', 'confirmation']);
  });
});
