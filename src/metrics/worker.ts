/**
 * The demo's activity figures, recorded on the SDK's own metric meter so that they are served by the
 * worker's one Prometheus endpoint next to the SDK's metrics (no second registry, no second port).
 */
import type { MetricMeter } from '@temporalio/common';
import type { ActivityHooks } from '../activities/index.js';
import type { CallInfo } from '../activities/context.js';
import { NO_SCENARIO, WORKER_METRICS } from './names.js';

/** Activity hooks that count attempts and failed attempts by {scenario, activity}. */
export function activityMetrics(meter: MetricMeter): ActivityHooks {
  const { activityAttempts, activityFailures } = WORKER_METRICS;
  const attempts = meter.createCounter(activityAttempts.name, undefined, activityAttempts.help);
  const failures = meter.createCounter(activityFailures.name, undefined, activityFailures.help);
  // Two labels of bounded cardinality: nine scenarios (plus "none") and a handful of activity types.
  const labels = (call: CallInfo) => ({ scenario: call.scenario ?? NO_SCENARIO, activity: call.activityType });
  return {
    onAttempt: (call) => attempts.add(1, labels(call)),
    onFailure: (call) => failures.add(1, labels(call)),
  };
}
