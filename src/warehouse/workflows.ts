/**
 * The warehouse's restock run, started by a Temporal Schedule (schedule.ts) every few minutes: one activity
 * that reorders whatever is below its minimum, keyed by this run, so a retried activity reorders once.
 * Workflow-safe: only the workflow API and the activities' types.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

export async function RestockWorkflow(): Promise<{ reordered: number }> {
  const { Restock } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry: { maximumInterval: '10 seconds' } });
  return Restock();
}
