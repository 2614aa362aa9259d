/**
 * The restock Schedule: created at start (idempotently: an existing one is left as it is), visible on the
 * Temporal UI's Schedules page, it starts RestockWorkflow on the orders task queue every few minutes.
 */
import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';
import { RESTOCK_SCHEDULE_ID, RESTOCK_WORKFLOW_TYPE } from '../temporal/contract.js';

export const RESTOCK_EVERY = '5m';

/** Creates the schedule unless it exists; true when this call created it. */
export async function ensureRestockSchedule(client: Client, taskQueue: string, scheduleId = RESTOCK_SCHEDULE_ID): Promise<boolean> {
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: RESTOCK_EVERY }] },
      action: { type: 'startWorkflow', workflowType: RESTOCK_WORKFLOW_TYPE, taskQueue, args: [] },
      memo: { purpose: 'Reorders every warehouse item below its minimum (order demo)' },
    });
    return true;
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return false;
    throw err;
  }
}
