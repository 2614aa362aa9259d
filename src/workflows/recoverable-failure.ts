/**
 * RecoverableFailure, as first deployed: a bug after the charge. A plain Error (not an ApplicationFailure)
 * fails the workflow TASK, not the workflow: the server keeps retrying the task, the order waits at 75 %
 * with its state intact, and nothing is compensated. Deploying recoverable-failure-fixed.ts resumes it.
 */
import { SIMULATED_BUG_MESSAGE, type OrderInput, type OrderResult } from '../temporal/contract.js';
import { setWorkflowOptions } from '@temporalio/workflow';
import { runOrderFlow } from './order-flow.js';
import { autoUpgradeWhenVersioned } from './versioning.js';

export async function OrderWorkflowRecoverableFailure(input: OrderInput): Promise<OrderResult> {
  return runOrderFlow(input, {
    afterCharge: () => {
      throw new Error(SIMULATED_BUG_MESSAGE);
    },
  });
}

// Worker Versioning: AUTO_UPGRADE, so a stuck order can move to the fixed version (see versioning.ts).
setWorkflowOptions(autoUpgradeWhenVersioned, OrderWorkflowRecoverableFailure);
