/**
 * How much each Temporal Worker takes on at once, and where its workflow code runs (config.worker.tuning;
 * the README's Performance section has the measurements behind each choice).
 *
 * - Activity slots: explicit fixed-size slots, 1,000 by default (Go's default), not the TS SDK's 100 and not
 *   a resource-based tuner. The demo's activities only wait on a timer, so a slot costs a few kB and no CPU;
 *   100 slots left 200 orders' ShipOrder calls queued on the server. A resource-based tuner hands out slots
 *   while the machine's CPU and memory stay under targets: on a 2-core machine shared with a dev server (and
 *   here with other people's work) CPU is what it sees, and it would throttle activities that use none.
 * - Workflow task slots: few (10). The workflow code of a Worker runs on one thread, so a task polled while
 *   that thread is busy only waits inside the worker, where no other worker can take it; 10 keep the thread
 *   fed (Core prepares the next activations while one runs) without a queue behind it.
 * - Workflow thread 'main': workflow activations run in the SDK's reusable V8 context on the process's main
 *   thread (the SDK's in-process mode, which its replayer also uses) instead of a worker thread per Worker.
 *   The orders worker runs two Workers (v1 and v2): two worker threads were two more V8 isolates, each
 *   loading the SDK and the bundle's source map again (≈ 60 MB and 0.7 s of CPU each at start), and every
 *   activation crossed threads twice. The deadlock detector stays on: a workflow that does not yield within
 *   5 s fails its task, as on a worker thread (isolateExecutionTimeout, which the SDK's in-process mode would
 *   otherwise leave unlimited).
 */
import type { WorkerOptions } from '@temporalio/worker';
import type { WorkerTuning } from '../config.js';

/** How long one activation may run before the SDK fails the workflow task (the SDK's own default). */
export const ISOLATE_EXECUTION_TIMEOUT = '5s';

export function workerTuning(tuning: WorkerTuning): Partial<WorkerOptions> {
  return {
    maxConcurrentActivityTaskExecutions: tuning.activitySlots,
    maxConcurrentWorkflowTaskExecutions: tuning.workflowTaskSlots,
    ...(tuning.workflowThread === 'main' ? { debugMode: true, isolateExecutionTimeout: ISOLATE_EXECUTION_TIMEOUT } : {}),
  };
}
