/**
 * The demo's own worker metrics, named once for the worker, the workflow code (compensations are counted
 * there) and the tests. Workflow-safe: constants only. Served with the SDK's metrics on the worker's
 * Prometheus endpoint; see the README's "Metrics and health".
 */
export const WORKER_METRICS = {
  activityAttempts: {
    name: 'order_demo_activity_attempts_total',
    help: 'Activity attempts started by this worker, by scenario and activity type.',
  },
  activityFailures: {
    name: 'order_demo_activity_failures_total',
    help: 'Activity attempts that failed (retryable or not), by scenario and activity type.',
  },
  compensations: {
    name: 'order_demo_compensations_total',
    help: 'Saga compensations that ran to completion, by scenario and compensation; not counted again on replay.',
  },
} as const;

/** The scenario label of work that belongs to no order workflow (e.g. ShippingWorkflow's ShipOrder). */
export const NO_SCENARIO = 'none';

/** The SDK's counter of failed long polls (its default `temporal_` prefix included). */
export const SDK_POLL_FAILURES = 'temporal_long_request_failure';

/** The SDK's long requests (polls) started, and those ended (answered or failed: its latency histogram's count). */
export const SDK_LONG_REQUESTS = 'temporal_long_request';
export const SDK_LONG_REQUESTS_ENDED = 'temporal_long_request_latency_count';
