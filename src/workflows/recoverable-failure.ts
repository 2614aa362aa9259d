/**
 * RecoverableFailure, as first deployed: a bug after the charge. A plain Error (not an ApplicationFailure)
 * fails the workflow TASK, not the workflow: the server keeps retrying the task, the order waits at 75 %
 * with its state intact, and nothing is compensated. Deploying recoverable-failure-fixed.ts resumes it.
 */
import { SIMULATED_BUG_MESSAGE, type OrderInput, type OrderResult } from '../temporal/contract.js';
import { setWorkflowOptions } from '@temporalio/workflow';
import { runOrderFlow } from './order-flow.js';

export async function OrderWorkflowRecoverableFailure(input: OrderInput): Promise<OrderResult> {
  return runOrderFlow(input, {
    afterCharge: () => {
      throw new Error(SIMULATED_BUG_MESSAGE);
    },
  });
}

// Worker Versioning: every other order workflow is PINNED (the worker's default) and finishes on the code it
// started on, so a new version never replays a half-run order on changed code. This one must be able to leave
// the buggy version: AUTO_UPGRADE moves a stuck order to the deployment's current version at its next
// workflow task, which is what Deploy fix relies on. The fixed version keeps the same behaviour (index-fixed.ts).
setWorkflowOptions({ versioningBehavior: 'AUTO_UPGRADE' }, OrderWorkflowRecoverableFailure);
