/**
 * Saga bookkeeping: a step registers its undo before it runs (the step may fail after a partial effect,
 * e.g. a charge that timed out), and on failure the undos run newest first.
 */
import { CancellationScope, log, metricMeter, TemporalFailure, workflowInfo } from '@temporalio/workflow';
import { NO_SCENARIO, WORKER_METRICS } from '../metrics/names.js';
import { scenarioOf } from '../temporal/contract.js';
import type { FlowState } from './order-state.js';

interface Compensation {
  name: string;
  run: () => Promise<unknown>;
}

export class Compensations {
  private readonly stack: Compensation[] = [];

  constructor(private readonly state: FlowState) {}

  add(name: string, run: () => Promise<unknown>): void {
    this.stack.push({ name, run });
  }

  /**
   * Whether a failure should trigger the undos. Only Temporal failures do (activity, child, Nexus,
   * application or cancellation failures). Any other error is a bug in this code: it fails the workflow
   * task, the server retries the task, and a fixed deployment carries on — so nothing must be undone.
   */
  static appliesTo(err: unknown): err is TemporalFailure {
    return err instanceof TemporalFailure;
  }

  /** Runs every registered undo, newest first. Never throws: the caller rethrows the original error. */
  async runAll(): Promise<void> {
    const { name: metric, help } = WORKER_METRICS.compensations;
    // The SDK's workflow meter records nothing while replaying: each compensation is counted once, when it runs.
    const counted = metricMeter.createCounter(metric, undefined, help);
    const scenario = scenarioOf(workflowInfo().workflowType) ?? NO_SCENARIO;
    // Non-cancellable: a cancelled order must still be undone.
    await CancellationScope.nonCancellable(async () => {
      for (const { name, run } of [...this.stack].reverse()) {
        try {
          await run();
          this.state.compensations.push(name);
          counted.add(1, { scenario, compensation: name });
        } catch (err) {
          log.error('Compensation failed', { compensation: name, error: (err as Error).message });
        }
      }
    });
    this.stack.length = 0;
  }
}
