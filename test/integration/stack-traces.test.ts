/**
 * The Web UI's Stack Trace tab on the main-thread workflow runtime (src/worker/tuning.ts): answered by
 * default, pointing at the TypeScript line the order waits on; with WORKER_WORKFLOW_STACK_TRACES=false,
 * refused with the SDK's own sentence, while a failure's stack still points at the source.
 * The SDK's promise hook is one per process and stays off once removed: the default's test runs first
 * (a file's tests run in order; each file has a process of its own).
 */
import type { WorkflowHandle } from '@temporalio/client';
import { afterEach, describe, expect, it } from 'vitest';
import { SIMULATED_BUG_MESSAGE } from '../../src/temporal/contract.js';
import { readHistory } from '../../src/web/orders/history.js';
import { getOrderStateQuery } from '../../src/workflows/extras.js';
import { historyOf, ofType } from '../support/history.js';
import { startTestWorkers, waitFor, type TestWorkers } from '../support/workers.js';

/** The query the Web UI's Stack Trace tab sends. */
const STACK_TRACE_QUERY = '__stack_trace';

let workers: TestWorkers | undefined;
let orders: WorkflowHandle[] = [];
afterEach(async () => {
  await Promise.all(orders.map((o) => o.terminate('test over').catch(() => undefined)));
  orders = [];
  await workers?.stop();
  workers = undefined;
});

async function waitingForAddress(w: TestWorkers): Promise<WorkflowHandle> {
  const handle = await w.startOrder('HumanInLoopSignal', { HumanWaitSeconds: 60 });
  orders.push(handle);
  await waitFor(() => handle.query(getOrderStateQuery), (s) => s.awaitingAddress, 'the address wait');
  return handle;
}

describe.sequential('workflow stack traces', () => {
  it('are on by default: the tab shows the condition() the order waits on, in the TypeScript source', async () => {
    workers = await startTestWorkers({ name: 'stack-on' });
    const handle = await waitingForAddress(workers);
    const stack = await handle.query<string>(STACK_TRACE_QUERY);
    expect(stack).toMatch(/order-flow\.ts:\d+:\d+/);
    expect(stack).toContain('condition');
  });

  it('can be turned off: the tab gets a clear refusal, a failure keeps its source-mapped stack', async () => {
    workers = await startTestWorkers({ name: 'stack-off', env: { WORKER_WORKFLOW_STACK_TRACES: 'false' } });
    const handle = await waitingForAddress(workers);
    await expect(handle.query(STACK_TRACE_QUERY)).rejects.toThrow('Workflow stack traces are not enabled on this worker');

    const stuck = await workers.startOrder('RecoverableFailure', { Address: '5 Trace St' }, { workflowTaskTimeout: '2s' });
    orders.push(stuck);
    await waitFor(async () => ofType(await historyOf(stuck), 'WorkflowTaskFailed'), (e) => e.length > 0, 'a workflow task failure');
    const facts = readHistory((await stuck.fetchHistory()).events ?? []);
    expect(facts.taskFailure?.message).toBe(SIMULATED_BUG_MESSAGE);
    expect(facts.taskFailure?.where?.file).toBe('recoverable-failure.ts');
  });
});
