/**
 * One-off reads of an order's view, for pages of orders nobody follows live (the follower in
 * follower.ts serves those): one describe(), then the query and the history only when describe() says
 * the history grew since the memo's read (progress can only change when a workflow task completes, which
 * appends events). Retries and workflow task attempts are not in the history; describe() reports them.
 * askWorker() is shared with the follower.
 */
import type { Logger } from '../../logger.js';
import type { OrderConsoleClient, OrderDescription } from '../../temporal/client.js';
import type { OrderState } from '../../workflows/extras.js';
import { isRecord, readHistory } from './history.js';
import type { HistoryFacts } from './history.js';
import { buildOrderView } from './view.js';
import type { LiveAnswers, OrderView } from './view.js';

/** What a reader remembers about one workflow between reads. */
export interface ReadMemo {
  runId?: string;
  historyLength?: number;
  status?: string;
  facts?: HistoryFacts;
  live: LiveAnswers;
  /** Becomes false once the worker says it has no getOrderState query: never asked again. */
  stateQuery: boolean;
  /** The last query failed (e.g. it raced a workflow task): ask again on the next read. */
  retryLive?: boolean;
}

export function newMemo(): ReadMemo {
  return { live: {}, stateQuery: true };
}

export interface OrderReader {
  /** undefined when no such order exists. */
  read(orderId: string, memo?: ReadMemo): Promise<OrderView | undefined>;
}

export interface OrderReaderDeps {
  client: OrderConsoleClient;
  /** Namespace of the Nexus handler, where NexusOperation's shipping workflows run. */
  nexusNamespace: string;
  logger: Logger;
}

export function createOrderReader(deps: OrderReaderDeps): OrderReader {
  const { client, logger } = deps;
  const ctx = { namespace: client.namespace, nexusNamespace: deps.nexusNamespace };

  return {
    async read(orderId, memo = newMemo()) {
      const d = await client.describeOrder(orderId);
      if (!d) return undefined;
      if (memo.runId !== d.runId) Object.assign(memo, newMemo(), { runId: d.runId });
      const changed = memo.facts === undefined || memo.historyLength !== d.historyLength || memo.status !== d.status;
      // Query before reading the history, so the history is at least as new as the answer: a progress
      // of 75 % then always comes with the timer of the address wait that started with it.
      if (changed || memo.retryLive) await askWorker(client, d, memo, logger);
      if (changed) {
        memo.facts = readHistory(await client.fetchHistory(orderId));
        Object.assign(memo, { historyLength: d.historyLength, status: d.status });
      }
      return buildOrderView(d, memo.facts ?? readHistory([]), memo.live, ctx);
    },
  };
}

/**
 * Asks the worker for the order's state (getOrderState, or the contract's getProgress from a worker of
 * another language) into memo.live, unless asking is pointless now: a closed or stuck workflow, or one
 * whose workflow task waits for a worker (the query would wait with it).
 */
export async function askWorker(
  client: Pick<OrderConsoleClient, 'queryOrderState' | 'queryProgress'>, d: OrderDescription, memo: ReadMemo, logger: Logger,
): Promise<void> {
  const wft = d.pendingWorkflowTask;
  const stuck = memo.facts?.taskFailure !== undefined || (wft !== undefined && wft.attempt > 1);
  memo.retryLive = false;
  // A closed workflow's progress is in its history; a stuck one cannot answer queries.
  if (d.status !== 'RUNNING' || stuck) return;
  // A workflow task waiting for a worker: a query would wait with it (for as long as no worker runs).
  // Ask on a later read instead; until then the history's progress stands in.
  if (wft && !wft.started) {
    memo.retryLive = true;
    return;
  }
  try {
    if (memo.stateQuery) {
      const answer = await client.queryOrderState(d.orderId);
      if (answer !== 'unsupported' && isOrderState(answer)) {
        memo.live = { state: answer, progress: answer.progress };
        return;
      }
      memo.stateQuery = false;
    }
    memo.live = { progress: await client.queryProgress(d.orderId) };
  } catch (err) {
    // Keep the last answer meanwhile: the page shows slightly old progress rather than none.
    memo.retryLive = true;
    logger.debug('Order query failed', { workflowId: d.workflowId, error: err as Error });
  }
}

function isOrderState(value: unknown): value is OrderState {
  return isRecord(value) && typeof value.progress === 'number' && typeof value.awaitingAddress === 'boolean';
}
