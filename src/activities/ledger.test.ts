import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { sdkLogger } from '../worker/runtime.js';
import { INVALID_CREDIT_CARD, type OrderInput } from '../temporal/contract.js';
import { createActivities } from './index.js';
import { openLedger, readLedger } from './ledger.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ledger-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const logger = createLogger({ name: 'test', level: 'error', json: true, write: () => undefined });
let files = 0;
const newFile = () => path.join(dir, `ledger-${++files}.jsonl`);

function run<A extends unknown[], R>(attempt: number, workflowType: string, fn: (...args: A) => Promise<R>, ...args: A) {
  return new MockActivityEnvironment({ attempt, workflowType }, { logger: sdkLogger(logger) }).run(fn, ...args);
}

describe('payment ledger', () => {
  it('charges an order once, however many times ChargeCustomer runs for it', async () => {
    const file = newFile();
    const acts = createActivities({ logger, ledger: openLedger(file) });
    const order: OrderInput = { OrderId: '700001', Address: '1 Main', TimeScale: 0.001 };
    // Attempt 2 stands for the re-run after a worker died between the charge and its report.
    await run(1, 'OrderWorkflowHappyPath', acts.ChargeCustomer, order, 'OrderWorkflowHappyPath');
    await run(2, 'OrderWorkflowHappyPath', acts.ChargeCustomer, order, 'OrderWorkflowHappyPath');
    expect(readLedger(file)).toMatchObject([{ op: 'charge', key: 'order-700001', outcome: 'captured', attempt: 1 }]);
    await run(1, 'OrderWorkflowHappyPath', acts.UndoChargeCustomer, order);
    await run(2, 'OrderWorkflowHappyPath', acts.UndoChargeCustomer, order);
    expect(readLedger(file).map((e) => `${e.op} ${e.outcome}`)).toEqual(['charge captured', 'refund refunded']);
  });

  it('records a declined card once, declines every re-run, and voids instead of refunding', async () => {
    const file = newFile();
    const acts = createActivities({ logger, ledger: openLedger(file) });
    const order: OrderInput = { OrderId: '700002', Address: '1 Main', TimeScale: 0.001 };
    for (const attempt of [1, 2]) {
      const err = await run(attempt, 'OrderWorkflowNonRecoverableFailure', acts.ChargeCustomer, order).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplicationFailure);
      expect((err as ApplicationFailure).type).toBe(INVALID_CREDIT_CARD);
    }
    await run(1, 'OrderWorkflowNonRecoverableFailure', acts.UndoChargeCustomer, order);
    expect(readLedger(file).map((e) => `${e.op} ${e.outcome}`)).toEqual(['charge declined', 'refund voided']);
  });

  it('records nothing for the attempts that never reached the provider (APIFailure 1-4)', async () => {
    const file = newFile();
    const acts = createActivities({ logger, ledger: openLedger(file) });
    const order: OrderInput = { OrderId: '700003', Address: '1 Main', TimeScale: 0.001 };
    for (const attempt of [1, 2, 3, 4]) await run(attempt, 'OrderWorkflowAPIFailure', acts.ChargeCustomer, order).catch(() => undefined);
    expect(readLedger(file)).toEqual([]);
    await run(5, 'OrderWorkflowAPIFailure', acts.ChargeCustomer, order);
    expect(readLedger(file)).toMatchObject([{ outcome: 'captured', attempt: 5 }]);
  });

  it('applies once under concurrent calls, and takes over a lock left by a dead process', async () => {
    const file = newFile();
    const ledger = openLedger(file);
    writeFileSync(`${file}.lock`, '999999');
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => ledger.apply('charge', 'order-1', i + 1, () => 'captured')));
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    expect(readLedger(file)).toHaveLength(1);
  });

  it('is off without a file: no ledger, the activities behave as before', async () => {
    const acts = createActivities({ logger, ledger: undefined });
    await expect(run(1, 'OrderWorkflowHappyPath', acts.ChargeCustomer, { OrderId: '1', Address: 'x', TimeScale: 0.001 })).resolves.toBeUndefined();
  });
});
