/**
 * RecoverableFailure with the bug fixed: the deployment that index-fixed.ts bundles. Same commands as the
 * buggy version up to the bug, so orders stuck there replay cleanly and carry on shipping.
 */
import type { OrderInput, OrderResult } from '../temporal/contract.js';
import { setWorkflowOptions } from '@temporalio/workflow';
import { runOrderFlow } from './order-flow.js';

export async function OrderWorkflowRecoverableFailure(input: OrderInput): Promise<OrderResult> {
  return runOrderFlow(input);
}

// AUTO_UPGRADE like the buggy version (see recoverable-failure.ts): Restore the bug moves new orders back.
setWorkflowOptions({ versioningBehavior: 'AUTO_UPGRADE' }, OrderWorkflowRecoverableFailure);
