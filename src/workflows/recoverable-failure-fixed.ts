/**
 * RecoverableFailure with the bug fixed: the deployment that index-fixed.ts bundles. Same commands as the
 * buggy version up to the bug, so orders stuck there replay cleanly and carry on shipping.
 */
import type { OrderInput, OrderResult } from '../temporal/contract.js';
import { setWorkflowOptions } from '@temporalio/workflow';
import { runOrderFlow } from './order-flow.js';
import { autoUpgradeWhenVersioned } from './versioning.js';

export async function OrderWorkflowRecoverableFailure(input: OrderInput): Promise<OrderResult> {
  return runOrderFlow(input);
}

// Worker Versioning: AUTO_UPGRADE, so a stuck order can move to the fixed version (see versioning.ts).
setWorkflowOptions(autoUpgradeWhenVersioned, OrderWorkflowRecoverableFailure);
