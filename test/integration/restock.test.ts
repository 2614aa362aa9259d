/**
 * The restock Schedule against the run's dev server and a real database: created once however often the
 * demo starts, and a run it starts reorders what is below minimum, once per item, even when its activity
 * runs again.
 */
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createSystems, type Systems } from '../../src/db/systems.js';
import { createLogger } from '../../src/logger.js';
import { RESTOCK_WORKFLOW_TYPE } from '../../src/temporal/contract.js';
import { ensureRestockSchedule } from '../../src/warehouse/schedule.js';
import { startTestDatabase, type TestDatabase } from '../support/databases.js';
import { startTestWorkers, waitFor, type TestWorkers } from '../support/workers.js';

const LEGS = 654321;
let server: TestDatabase;
let db: Database;
let systems: Systems;
let workers: TestWorkers;

beforeAll(async () => {
  server = await startTestDatabase('pglite');
  db = await openDatabase(server.url, { max: 4 });
  systems = createSystems(db);
  workers = await startTestWorkers({ name: 'restock', systems });
});
afterAll(async () => {
  await workers?.stop();
  await db?.close();
  await server?.stop();
});

describe('restock schedule', () => {
  it('is created once; a triggered run reorders the item below its minimum and nothing else', async () => {
    const scheduleId = `restock-test-${randomUUID().slice(0, 8)}`;
    expect(await ensureRestockSchedule(workers.client, workers.config.taskQueue, scheduleId)).toBe(true);
    expect(await ensureRestockSchedule(workers.client, workers.config.taskQueue, scheduleId)).toBe(false);
    const schedule = workers.client.schedule.getHandle(scheduleId);
    try {
      const described = await schedule.describe();
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: RESTOCK_WORKFLOW_TYPE, taskQueue: workers.config.taskQueue });

      // Below minimum by hand (a reorder is otherwise placed the moment a change leaves an item short).
      await db.query('UPDATE stock SET on_hand = 2, reserved = 0 WHERE item_id = $1', [LEGS]);
      await schedule.trigger();
      const reorders = await waitFor(() => systems.warehouse.supplierOrders(10), (o) => o.length > 0, 'the restock run\'s reorder');
      expect(reorders.map((o) => [o.itemId, o.availableBefore, o.quantity])).toEqual([[LEGS, 2, 18]]);
      expect((await systems.warehouse.stock()).find((s) => s.itemId === LEGS)?.available).toBe(20);
    } finally {
      await schedule.delete();
    }
  });

  it('a restock activity run twice for one run reorders once', async () => {
    await db.query('UPDATE stock SET on_hand = 1, reserved = 0 WHERE item_id = $1', [LEGS]);
    const acts = createActivities({ logger: createLogger({ name: 'test', level: 'error', json: true, write: () => undefined }), systems });
    const env = (attempt: number) => new MockActivityEnvironment({ attempt, workflowType: RESTOCK_WORKFLOW_TYPE, workflowExecution: { workflowId: 'restock-twice', runId: 'r1' } });
    const before = (await systems.warehouse.supplierOrders(100)).length;
    expect(await env(1).run(acts.Restock)).toEqual({ reordered: 1 });
    await db.query('UPDATE stock SET on_hand = 1, reserved = 0 WHERE item_id = $1', [LEGS]);
    expect(await env(2).run(acts.Restock)).toEqual({ reordered: 0 });
    expect((await systems.warehouse.supplierOrders(100)).length - before).toBe(1);
  });
});
