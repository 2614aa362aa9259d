/**
 * What an activity knows about the call it is serving, read from the activity context, plus the
 * simulated-call helper. Kept apart so the activities themselves read as business steps.
 */
import { Context } from '@temporalio/activity';
import { scenarioOf, type OrderInput, type Scenario } from '../temporal/contract.js';
import { timeScaleOf } from '../workflows/pace.js';

export interface CallInfo {
  activityType: string;
  attempt: number;
  workflowType: string | undefined;
  scenario: Scenario | undefined;
  workflowId: string | undefined;
  runId: string | undefined;
  isLocal: boolean;
}

export function callInfo(): CallInfo {
  const { info } = Context.current();
  return {
    activityType: info.activityType,
    attempt: info.attempt,
    workflowType: info.workflowType,
    scenario: info.workflowType ? scenarioOf(info.workflowType) : undefined,
    workflowId: info.workflowExecution?.workflowId,
    runId: info.workflowExecution?.runId,
    isLocal: info.isLocal,
  };
}

/**
 * Stands in for a call to another system: waits `ms` at the order's pace. Cancellation-aware, so a
 * worker shutting down fails the attempt quickly and the server retries it elsewhere.
 */
export async function simulateCall(ms: number, order: Pick<OrderInput, 'TimeScale'> | undefined): Promise<void> {
  await Context.current().sleep(Math.max(1, Math.round(ms * timeScaleOf(order))));
}
