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
 *   activation crossed threads twice. See MainThreadWorker for the two SDK costs this mode leaves out.
 */
import { Worker, type WorkerOptions } from '@temporalio/worker';
import type { WorkflowCreator } from '@temporalio/worker/lib/workflow/interface.js';
import { globalHandlers } from '@temporalio/worker/lib/workflow/vm-shared.js';
import type { WorkerTuning } from '../config.js';

export function workerTuning(tuning: WorkerTuning): Partial<WorkerOptions> {
  return {
    maxConcurrentActivityTaskExecutions: tuning.activitySlots,
    maxConcurrentWorkflowTaskExecutions: tuning.workflowTaskSlots,
    ...(tuning.workflowThread === 'main' ? { debugMode: true } : {}),
  };
}

type CreatorArgs = Parameters<(typeof Worker)['createWorkflowCreator']>;

/**
 * The Worker class to create for this tuning: the SDK's own for 'thread'; for 'main', one whose in-process
 * workflow runtime drops two per-activation costs measured over 200 orders at demo pace (README: Performance):
 *
 * - No watchdog thread per call into the workflow context. The SDK gives every call a `vm` timeout, in its
 *   in-process mode 4,294,967,295 ms (it detects no deadlock there), and Node starts and joins a thread for
 *   each timed call: 6,700 calls for 200 orders took 3.0–3.4 s of the main thread with it, 0.8 s without.
 *   The cost of going without: a workflow stuck in a loop holds the process, as under the SDK's debug mode.
 * - Optionally no promise hook (`workflowStackTraces: false`): the SDK records a source-mapped stack for every promise
 *   workflow code creates, for the Web UI's Stack Trace tab; about 8 ms of CPU per order here. Without it the
 *   tab says "Workflow stack traces are not enabled on this worker"; failures keep their source-mapped stacks.
 *
 * Both go through the SDK's protected `createWorkflowCreator`, the hook it keeps for choosing the runtime.
 */
export function workerClass(tuning: WorkerTuning): typeof Worker {
  if (tuning.workflowThread !== 'main') return Worker;
  return class MainThreadWorker extends Worker {
    protected static override async createWorkflowCreator(...[bundle, options, logger]: CreatorArgs): Promise<WorkflowCreator> {
      // `undefined` is what makes Node's vm run a call without a timer; the option's type has no room for it.
      const untimed = { ...options, isolateExecutionTimeoutMs: undefined as unknown as number };
      const creator = await super.createWorkflowCreator(bundle, untimed, logger);
      if (!tuning.workflowStackTraces) stopStackTraces();
      return creator;
    }
  };
}

/**
 * Removes the SDK's process-wide promise hook, once; workflows created after it get stack traces disabled
 * (the SDK reads `promiseHookInstalled` per workflow). Its Error.prepareStackTrace stays: failures' stacks
 * still point at the TypeScript sources.
 */
function stopStackTraces(): void {
  if (!globalHandlers.promiseHookInstalled) return;
  (globalHandlers as unknown as { stopPromiseHook(): void }).stopPromiseHook();
  globalHandlers.promiseHookInstalled = false;
}
