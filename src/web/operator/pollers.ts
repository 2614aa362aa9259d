/**
 * How many workers really poll a task queue, for the operator page and Preflight. DescribeTaskQueue lists
 * every worker the server heard from in the last minutes, a dead one included, so the list is filtered:
 *
 * - by lastAccessTime: the server stamps it when a poll arrives, and a live worker keeps a long poll open
 *   that the server answers within 60 s (the SDK gives up at 70 s and polls again). A healthy idle worker
 *   thus looks up to ~60 s old (measured on the dev server: 55–57 s at most), and one that died stays
 *   listed for minutes. POLLER_SEEN_MS = 70 s keeps every live poller and drops a dead one after 70 s;
 * - by the orders worker's own word (its control channel, when the console has its secret): a worker whose
 *   Temporal Worker FAILED, is being recreated, or whose polls are refused is not counted at once, and
 *   neither is one whose control channel stopped answering (the process is gone), by the identity it gave.
 */
import type { PollerSeen } from '../../temporal/client.js';
import type { WorkerStatus } from '../../temporal/worker-control-client.js';
import { ControlApiError } from '../../temporal/worker-control-client.js';

export const POLLER_SEEN_MS = 70_000;

/** The orders worker as it describes itself: whether it polls, and the identity the server knows it by. */
export interface WorkerSelf {
  identity: string | undefined;
  /** false: not polling (or gone); undefined: it does not say (no control channel, an older worker). */
  polling: boolean | undefined;
  /** Why it does not poll, in words. */
  problem: string | undefined;
}

export interface PollerCount {
  count: number;
  /** Set when the worker's own status took it out of the count, or says why it does not poll. */
  note: string | undefined;
}

/** Counts the pollers seen within POLLER_SEEN_MS, without the orders worker when it says it is not polling. */
export function countPollers(pollers: readonly PollerSeen[], now: number, self?: WorkerSelf): PollerCount {
  const recent = pollers.filter((p) => p.lastAccessMs !== undefined && now - p.lastAccessMs < POLLER_SEEN_MS);
  if (self?.polling !== false) return { count: recent.length, note: undefined };
  const live = self.identity === undefined ? recent : recent.filter((p) => p.identity !== self.identity);
  const why = self.problem ? `${self.problem.charAt(0).toLowerCase()}${self.problem.slice(1)}` : 'it did not say why.';
  return { count: live.length, note: `The orders worker is not polling: ${why}` };
}

/**
 * Reads the orders worker's own status, remembering the identity it last gave: when its control channel
 * can no longer be reached at all (connection refused: the process is gone), that identity is not polling.
 */
export function workerSelfReader(status: (() => Promise<Pick<WorkerStatus, 'polling' | 'pollingProblem' | 'identity'>>) | undefined): () => Promise<WorkerSelf | undefined> {
  let identity: string | undefined;
  return async () => {
    if (!status) return undefined;
    try {
      const s = await status();
      identity = s.identity ?? identity;
      return { identity: s.identity, polling: s.polling, problem: s.pollingProblem ?? undefined };
    } catch (err) {
      // A worker that answers with an error (a wrong secret, say), or slowly, is alive: a refused connection is not.
      const gone = err instanceof ControlApiError && err.status === undefined && err.message.includes('ECONNREFUSED');
      return gone && identity ? { identity, polling: false, problem: 'its control channel does not answer (the process is not running).' } : undefined;
    }
  };
}
