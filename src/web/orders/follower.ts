/**
 * Follows one order as it happens, for the progress hub. A long poll of the run's history brings each new
 * event as soon as the server records it, so an order that waits (for a person, a timer) costs one open
 * call and nothing else. What the history does not hold is read only when it can matter:
 *  - describe(): after new events (status, what is pending), and every `recheckMs` while something
 *    pending can change without an event: an activity or Nexus operation running or retrying, a workflow
 *    task waiting for a worker or failing (attempt numbers and "no worker" are not history events);
 *  - the worker's query: only after a workflow task completed (the workflow's state changes only then),
 *    or again when the last one could not be asked.
 *
 * State. The pump (#pump) owns `events` (the run's history so far) and `token` (where its long poll
 * resumes), sets `complete` when the server says the history is whole (the run closed), `dirty` when
 * there is something new, `taskDone` when a workflow task completed and `closed` when the run ended, and
 * wakes the refresh loop. The refresh loop (#refresh) clears `dirty`, reads
 * what it needs and publishes a view; it holds back a view (`deferred`) when describe() counts events the
 * pump has not brought yet: once, for at most `recheckMs`, for a running order, and until the history is
 * whole for a closed one, so a completed order always comes with its result.
 * Ends, after publishing the final view, when the run closes; when the order does not exist; when a new
 * run of the order id appears ('new-run': the hub follows that one instead); or when the signal aborts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import proto from '@temporalio/proto';
import type { Logger } from '../../logger.js';
import type { HistoryEvent, OrderConsoleClient, OrderDescription } from '../../temporal/client.js';
import { readHistory } from './history.js';
import { askWorker, newMemo } from './reader.js';
import type { StepContext } from './steps.js';
import { buildOrderView } from './view.js';
import type { OrderView } from './view.js';

export type FollowMessage = { kind: 'view'; view: OrderView; events: readonly HistoryEvent[] } | { kind: 'not-found' };
export type FollowEnd = 'ended' | 'new-run' | 'aborted';

export interface FollowerDeps {
  client: Pick<OrderConsoleClient, 'describeOrder' | 'watchHistory' | 'queryOrderState' | 'queryProgress'>;
  logger: Logger;
  view: Omit<StepContext, 'orderId'>;
  /** How often describe() is repeated while something pending can change without a history event. */
  recheckMs: number;
}

const MAX_BACKOFF_MS = 5000;
const { EventType } = proto.temporal.api.enums.v1;
const WORKFLOW_TASK_COMPLETED = EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
const CLOSE_EVENTS = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

/** Follows the order's current run until it ends; see the file comment. */
export async function followOrder(orderId: string, deps: FollowerDeps, publish: (message: FollowMessage) => void, signal: AbortSignal): Promise<FollowEnd> {
  let failures = 0;
  while (!signal.aborted) {
    try {
      const d = await deps.client.describeOrder(orderId);
      if (!d) {
        publish({ kind: 'not-found' });
        return 'ended';
      }
      return await new RunFollower(orderId, d, deps, publish, signal).follow();
    } catch (err) {
      failures = warnOnce(deps.logger, failures, orderId, err);
      await pause(backoff(deps.recheckMs, failures), signal);
    }
  }
  return 'aborted';
}

class RunFollower {
  readonly #events: HistoryEvent[] = [];
  #token: Uint8Array | undefined;
  #complete = false;
  #dirty = false;
  #taskDone = false;
  #closed = false;
  /** A query answered since the last view (set by #ask). */
  #answered = false;
  #asking: Promise<void> | undefined;
  #askAgain = false;
  #wake: (() => void) | undefined;
  readonly #memo = newMemo();
  /** Aborted by the outer signal, and when the refresh loop ends (which ends the long poll). */
  readonly #stop = new AbortController();

  constructor(
    private readonly orderId: string,
    private readonly first: OrderDescription,
    private readonly deps: FollowerDeps,
    private readonly publish: (message: FollowMessage) => void,
    signal: AbortSignal,
  ) {
    this.#memo.runId = first.runId;
    this.#signal = signal;
  }

  readonly #signal: AbortSignal;

  async follow(): Promise<FollowEnd> {
    const stop = () => {
      this.#stop.abort();
      this.#awaken();
    };
    if (this.#signal.aborted) stop();
    this.#signal.addEventListener('abort', stop, { once: true });
    const pump = this.#pump();
    try {
      return await this.#refresh();
    } finally {
      this.#signal.removeEventListener('abort', stop);
      stop();
      await pump;
    }
  }

  #awaken(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  /** Until the pump brings something, or `ms` pass (forever when undefined), or the follower stops. */
  async #until(ms: number | undefined): Promise<void> {
    if (this.#dirty || this.#answered || this.#taskDone || this.#stop.signal.aborted) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
      if (ms !== undefined) timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.#wake = undefined;
  }

  async #pump(): Promise<void> {
    const { client, logger, recheckMs } = this.deps;
    const signal = this.#stop.signal;
    let failures = 0;
    while (!signal.aborted && !this.#complete) {
      try {
        const page = await client.watchHistory(this.orderId, this.first.runId, this.#token, signal);
        failures = 0;
        if (page.events.length > 0) {
          this.#events.push(...page.events);
          this.#dirty = true;
          this.#taskDone ||= page.events.some((e) => e.eventType === WORKFLOW_TASK_COMPLETED);
          // A closed run's state is all in its history: a query would only make a worker replay it.
          this.#closed ||= page.events.some((e) => CLOSE_EVENTS.has(e.eventType ?? 0));
        }
        this.#token = page.nextPageToken;
        if (!page.nextPageToken) this.#complete = this.#dirty = true;
        if (this.#dirty) this.#awaken();
      } catch (err) {
        if (signal.aborted) return;
        // The server is down or the run is gone: the refresh loop's describe() says which, on the page.
        failures = warnOnce(logger, failures, this.orderId, err, 'Order history poll failed');
        this.#dirty = true;
        this.#awaken();
        await pause(backoff(recheckMs, failures), signal);
      }
    }
  }

  async #refresh(): Promise<FollowEnd> {
    const { client, logger, recheckMs } = this.deps;
    const memo = this.#memo;
    let d = this.first;
    let failures = 0;
    let deferred = false;
    let fresh = true;
    /** New events that a failed round did not get to show. */
    let carried = false;
    let factsOf = -1;
    while (!this.#stop.signal.aborted) {
      // The first view waits for the history's first page; `recheckMs` bounds every wait for the pump.
      await this.#until(fresh || deferred || this.#pending(d) ? recheckMs : undefined);
      if (this.#stop.signal.aborted) break;
      const grew: boolean = this.#dirty || carried;
      const answered = this.#answered;
      // A query that could not be asked (no worker yet) is tried again at the next recheck, not at once.
      const ask = !this.#closed && (this.#taskDone || fresh || (memo.retryLive === true && !answered));
      this.#dirty = carried = this.#taskDone = this.#answered = false;
      try {
        let now: OrderDescription | undefined = d;
        if (fresh) {
          // The first view comes with the worker's answer, like the page it follows was rendered with.
          [now] = await Promise.all([client.describeOrder(this.orderId), askWorker(client, d, memo, logger)]);
        } else {
          // Later answers arrive on their own (#ask): a slow query never holds back what the history says.
          if (ask) this.#ask(d);
          // A view held back until the pump brought the events describe() counted: that description matches
          // them exactly now, and a second describe() would only add its round trip to the progress lag.
          const caughtUp = deferred && this.#events.length === d.historyLength;
          if (!caughtUp && (grew || deferred || !answered)) now = await client.describeOrder(this.orderId);
        }
        failures = 0;
        if (!now) {
          this.publish({ kind: 'not-found' });
          return 'ended';
        }
        if (now.runId !== this.first.runId) return 'new-run';
        d = now;
        if (factsOf !== this.#events.length) {
          memo.facts = readHistory(this.#events);
          factsOf = this.#events.length;
        }
        // Held back once for a running order (its next events are a moment away); a closed one is never shown
        // before its history is whole: its ending (the result, the failure) is in the events still to come.
        if (this.#events.length < d.historyLength && !this.#complete && (!deferred || d.status !== 'RUNNING')) {
          deferred = true;
          continue;
        }
        deferred = fresh = false;
        const view = buildOrderView(d, memo.facts ?? readHistory([]), memo.live, this.deps.view);
        this.publish({ kind: 'view', view, events: this.#events });
        if (view.terminal) return 'ended';
      } catch (err) {
        failures = warnOnce(logger, failures, this.orderId, err);
        carried = grew;
        this.#taskDone ||= ask;
        await pause(backoff(recheckMs, failures), this.#stop.signal);
      }
    }
    return 'aborted';
  }

  /** Asks the worker in the background, one query at a time; an answer wakes the refresh loop to show it. */
  #ask(d: OrderDescription): void {
    if (this.#asking) {
      this.#askAgain = true;
      return;
    }
    this.#asking = askWorker(this.deps.client, d, this.#memo, this.deps.logger).finally(() => {
      this.#asking = undefined;
      this.#answered = true;
      if (this.#askAgain) this.#taskDone = true;
      this.#askAgain = false;
      this.#awaken();
    });
  }

  /** Something that changes without a history event: worth a describe() every recheckMs. */
  #pending(d: OrderDescription): boolean {
    if (d.status !== 'RUNNING') return false;
    return d.pendingActivities.length > 0 || d.pendingNexusOperations.length > 0 || d.pendingWorkflowTask !== undefined || this.#memo.retryLive === true;
  }
}

/** The banner tells the room the server is down; the log says it once per outage, not on every retry. */
function warnOnce(logger: Logger, failures: number, orderId: string, err: unknown, message = 'Order read failed'): number {
  if (failures === 0) logger.warn(message, { orderId, error: err as Error });
  return failures + 1;
}

function backoff(baseMs: number, failures: number): number {
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** failures);
}

async function pause(ms: number, signal: AbortSignal): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}
