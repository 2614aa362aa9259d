/**
 * Idempotence across a crash (this console's extension, not part of the wire contract): the workflow type
 * and the names its activity side and the console share. Workflow-safe (no imports at all).
 *
 * The type is `OrderIdempotenceWorkflow`, named like `OrderFulfilmentWorkflow`: it never starts with the
 * contract's `OrderWorkflow` prefix, so no peer (nor our own scenarioOf()) mistakes it for one of the
 * contract's scenarios, and a peer's UI that lists `OrderWorkflow*` types does not offer it.
 */

/** Its own workflow type, never one of the contract's (contract.md "Our extensions"). */
export const IDEMPOTENCE_WORKFLOW_TYPE = 'OrderIdempotenceWorkflow';

/** The ChargeCustomer attempt that loses its report (the worker dies after the provider recorded the charge). */
export const LOST_REPORT_ATTEMPT = 1;

/** The retryable failure of that attempt when no supervisor would restart a crashed worker. */
export const WORKER_LOST = 'WorkerLostBeforeReport';
export const WORKER_LOST_MESSAGE =
  'Worker lost before reporting the charge (simulated: the payment provider recorded it; without a supervisor to restart the worker, the attempt fails instead of crashing it)';

export function isIdempotence(workflowType: string | undefined): boolean {
  return workflowType === IDEMPOTENCE_WORKFLOW_TYPE;
}
