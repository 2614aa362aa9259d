/** Both deployable workflow bundles register exactly the contract's workflow types and this console's extensions, under their exact names. */
import { describe, expect, it } from 'vitest';
import { FULFILMENT_WORKFLOW_TYPE } from '../../src/fulfilment/api.js';
import { IDEMPOTENCE_WORKFLOW_TYPE } from '../../src/idempotence/api.js';
import { RESTOCK_WORKFLOW_TYPE, SCENARIOS, SHIPPING_WORKFLOW_TYPE, workflowTypeOf } from '../../src/temporal/contract.js';
import * as fixed from '../../src/workflows/index-fixed.js';
import * as original from '../../src/workflows/index.js';
import * as recoverable from '../../src/workflows/recoverable-failure.js';
import * as recoverableFixed from '../../src/workflows/recoverable-failure-fixed.js';
import * as shipping from '../../src/workflows/shipping.js';
import { CART_WORKFLOW_TYPE } from '../../src/cart/api.js';

/** Extensions (contract.md "Our extensions"): workflow types of their own names. */
const EXTENSIONS = [FULFILMENT_WORKFLOW_TYPE, CART_WORKFLOW_TYPE, RESTOCK_WORKFLOW_TYPE, IDEMPOTENCE_WORKFLOW_TYPE];
const expected = [...SCENARIOS.map(workflowTypeOf), SHIPPING_WORKFLOW_TYPE, ...EXTENSIONS].sort();

describe('workflow bundles', () => {
  it('export every contract workflow type, the extensions, and nothing else', () => {
    expect(Object.keys(original).sort()).toEqual(expected);
    expect(Object.keys(fixed).sort()).toEqual(expected);
    expect(Object.keys(shipping)).toEqual([SHIPPING_WORKFLOW_TYPE]);
  });

  it('differ only in RecoverableFailure, which the fixed bundle takes from the fix', () => {
    for (const name of expected) {
      const key = name as keyof typeof original;
      if (name === 'OrderWorkflowRecoverableFailure') continue;
      expect(fixed[key]).toBe(original[key]);
    }
    expect(original.OrderWorkflowRecoverableFailure).toBe(recoverable.OrderWorkflowRecoverableFailure);
    expect(fixed.OrderWorkflowRecoverableFailure).toBe(recoverableFixed.OrderWorkflowRecoverableFailure);
  });
});
