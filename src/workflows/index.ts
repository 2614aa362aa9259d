/**
 * The orders worker's workflow bundle, as first deployed: every workflow under its contract type name.
 * Only workflows may be exported here (the worker registers every export). index-fixed.ts is the same
 * bundle with the RecoverableFailure bug fixed.
 */
export { OrderWorkflowHappyPath } from './happy-path.js';
export { OrderWorkflowAdvancedVisibility } from './advanced-visibility.js';
export { OrderWorkflowHumanInLoopSignal } from './human-in-loop-signal.js';
export { OrderWorkflowHumanInLoopUpdate } from './human-in-loop-update.js';
export { OrderWorkflowChildWorkflow } from './child-workflow.js';
export { OrderWorkflowNexusOperation } from './nexus-operation.js';
export { OrderWorkflowAPIFailure } from './api-failure.js';
export { OrderWorkflowRecoverableFailure } from './recoverable-failure.js';
export { OrderWorkflowNonRecoverableFailure } from './non-recoverable-failure.js';
export { OrderWorkflowAPIKeyRotation } from './api-key-rotation.js';
export { ShippingWorkflow } from './shipping.js';
// Our extension (its own type name): the shop's long-running cart, src/cart/.
export { CartWorkflow } from '../cart/workflows.js';
export { OrderFulfilmentWorkflow } from '../fulfilment/workflows.js';
export { RestockWorkflow } from '../warehouse/workflows.js';
export { OrderIdempotenceWorkflow } from '../idempotence/workflows.js';
