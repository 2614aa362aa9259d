/**
 * The idempotence scenario's activity side: what ChargeCustomer's first attempt does once the payment
 * provider has recorded the charge. The worker must not report the attempt, as if it died at that moment:
 *
 * - under a supervisor (`npm start`, or a test standing in for one: anything that forked the worker with an
 *   IPC channel, see src/process/supervision.ts) the worker process really dies, SIGKILL from itself: no
 *   drain, no report. The supervisor restarts it; the server retries the attempt once its start-to-close
 *   timeout expires. Once per order: only attempt 1 does this;
 * - without one (`npm run worker` alone, in-process test workers) a crash would leave nothing to carry the
 *   orders on, so the attempt fails retryably instead (WorkerLostBeforeReport): Temporal retries it the same
 *   way, and the provider answers the retry from its key all the same.
 *
 * The entry point decides which (orders.ts passes `crashWorker` only under a supervisor): the activity
 * itself never looks at the process, so a test process can never kill itself by running it.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Logger } from '../logger.js';
import { WORKER_LOST, WORKER_LOST_MESSAGE } from './api.js';

/** Ends this worker process at once, as a crash would; never resolves. */
export type CrashWorker = (why: string) => Promise<never>;

/** The crash for a worker whose supervisor restarts it. */
export function crashThisProcess(logger: Logger): CrashWorker {
  return (why) => {
    // Written synchronously (a pipe or a terminal), so this line survives the kill.
    logger.warn(`Crashing the worker on purpose: ${why}`);
    process.kill(process.pid, 'SIGKILL');
    return new Promise<never>(() => undefined);
  };
}

/** The attempt loses its report: the worker dies (supervised) or the attempt fails retryably (not). */
export async function loseTheReport(crash: CrashWorker | undefined, workflowId: string): Promise<never> {
  if (crash) await crash(`order ${workflowId}: the payment provider recorded the charge, ChargeCustomer has not reported it`);
  throw ApplicationFailure.create({ type: WORKER_LOST, message: WORKER_LOST_MESSAGE, nonRetryable: false });
}
