/**
 * The orders worker's workflow bundle after the RecoverableFailure fix was deployed: identical to index.ts
 * except for that one workflow. The worker bundles this module when config.worker.fixedRecoverableFailure
 * is set, or when it is redeployed in place.
 */
export {
  OrderWorkflowHappyPath,
  OrderWorkflowAdvancedVisibility,
  OrderWorkflowHumanInLoopSignal,
  OrderWorkflowHumanInLoopUpdate,
  OrderWorkflowChildWorkflow,
  OrderWorkflowNexusOperation,
  OrderWorkflowAPIFailure,
  OrderWorkflowNonRecoverableFailure,
  OrderWorkflowAPIKeyRotation,
  ShippingWorkflow,
  CartWorkflow,
  OrderFulfilmentWorkflow,
  RestockWorkflow,
  OrderIdempotenceWorkflow,
} from './index.js';
export { OrderWorkflowRecoverableFailure } from './recoverable-failure-fixed.js';
