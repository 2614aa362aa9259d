/**
 * Keeps one Temporal Worker polling for as long as the process lives. The SDK's Worker is single-use: once
 * its run() rejects (state FAILED: e.g. every poll refused UNAUTHENTICATED for Core's 60 s grace, after an
 * API key was revoked) it never polls again. This wrapper then makes a new one on the same connection, whose
 * key `connection.setApiKey` changes live, so a good key brings the worker back whatever the outage lasted.
 * It also swaps the Worker for one made by another factory (the orders worker's redeploy of the fix).
 *
 * State machine (`state`; one Worker at a time in `current`):
 *   Flags:   stopRequested (shutdown() was called: nothing new is created), swap (a replace() waiting for
 *            `current` to stop: the factory of its successor), creating (a factory call is in flight).
 *   States:  the SDK's own while `current` exists (INITIALIZED, RUNNING, STOPPING, DRAINING...);
 *            FAILED      no Worker: the last one failed (or could not be made), waiting out the backoff;
 *            RECREATING  no Worker yet: the factory runs (after a failure, or for a swap).
 *   Events:
 *     current.run() ends, swap set             → RECREATING with the new factory at once; replace() resolves
 *                                                after that attempt (if it fails, the new factory stays and
 *                                                the backoff below applies)
 *     current.run() ends, stopRequested        → end: run() resolves, or rejects with the Worker's error
 *     current.run() rejects (or ends) unasked  → one line logged, FAILED, backoff 1 s → RECREATING
 *     factory fails                            → FAILED, backoff doubled (1, 2, 4, 5, 5... s)
 *     factory succeeds                         → RUNNING, backoff reset; a line says polling resumed
 *     shutdown() while FAILED                  → the backoff sleep ends at once; end: run() resolves
 *     shutdown() while RECREATING              → the new Worker is run-and-stopped at once; end
 *     retryNow() while FAILED (a new API key)  → the backoff sleep ends at once → RECREATING
 *     replace() while FAILED or RECREATING     → the new factory is used for the next attempt (at once)
 *   End states: run() resolved = stopped on request; run() rejected = the Worker failed while stopping.
 *   A Worker that went FAILED counts as ended even if its run() never settles (see runToEnd).
 */
import type { State } from '@temporalio/worker';
import type { Logger } from '../logger.js';

/** What this module uses of the SDK's Worker (tests pass fakes). */
export interface TemporalWorker {
  run(): Promise<void>;
  runUntil(until: Promise<unknown>): Promise<unknown>;
  shutdown(): void;
  getState(): State;
}

export type WorkerState = State | 'RECREATING';

/** Why no Worker polls, while none does after a failure. */
export interface WorkerFailure {
  /** A gRPC status name (UNAUTHENTICATED, UNAVAILABLE...) or ERROR: never a server message. */
  error: string;
  /** When the Worker failed (ISO). */
  since: string;
  /** Attempts to make a new one that failed since. */
  attempts: number;
  /** The whole story in one sentence, when the default wording does not fit (e.g. refused at start-up). */
  detail?: string;
}

export interface KeepRunningOptions<W extends TemporalWorker> {
  /** Makes a Worker; called again after each failure. */
  create: () => Promise<W>;
  /** 'Orders worker': starts its log lines. */
  name: string;
  logger: Logger;
  /** The cause of a failure in a few words (a gRPC status name): error messages may quote a server. */
  explain: (err: unknown) => string;
  /**
   * Whether a failure of the very first create() should wait and retry (e.g. a refused key with a control
   * channel to receive a new one) rather than throw.
   */
  retryFirst?: (err: unknown) => boolean;
  firstBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface KeptWorker {
  readonly state: WorkerState;
  readonly failure: WorkerFailure | undefined;
  /** Polls until shutdown(), across failures and replacements. */
  run(): Promise<void>;
  /** Stops polling, lets in-flight tasks finish and resolves when run() has (or at once during a backoff). */
  shutdown(): Promise<void>;
  /** Replaces the running Worker with one from `create` (used for every later Worker too). */
  replace(create: () => Promise<TemporalWorker>): Promise<void>;
  /** Ends a backoff wait now: something that may fix the failure happened (a new API key). */
  retryNow(): void;
}

/** How often a running Worker's state is checked for FAILED (see runToEnd). */
const FAILED_CHECK_MS = 250;

/**
 * Runs a Worker until it stops (undefined) or fails (the error). A Worker whose polls were refused goes
 * FAILED but its run() may never settle: the SDK then waits for Core to finalize a Worker whose workflow
 * activations nobody completes any more. Its FAILED state is the failure, then; the Worker is abandoned.
 */
function runToEnd(worker: TemporalWorker): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const ran = worker.run().then(
    () => undefined,
    (err: unknown) => err ?? new Error('The Worker failed.'),
  );
  const failed = new Promise<unknown>((resolve) => {
    const check = (): void => {
      if (worker.getState() === 'FAILED') resolve(new Error('The Worker failed.'));
      else timer = setTimeout(check, FAILED_CHECK_MS);
    };
    timer = setTimeout(check, FAILED_CHECK_MS);
  });
  return Promise.race([ran, failed]).finally(() => clearTimeout(timer));
}

interface Swap {
  create: () => Promise<TemporalWorker>;
  resolve(): void;
  reject(err: unknown): void;
}

export async function keepRunning<W extends TemporalWorker>(options: KeepRunningOptions<W>): Promise<KeptWorker> {
  const { name, logger, explain, firstBackoffMs = 1_000, maxBackoffMs = 5_000 } = options;
  let create: () => Promise<TemporalWorker> = options.create;
  let current: TemporalWorker | undefined;
  let failure: WorkerFailure | undefined;
  let creating = false;
  let stopRequested = false;
  let swap: Swap | undefined;
  let running: Promise<void> | undefined;
  let wake = (): void => {};

  const failed = (err: unknown, fresh: boolean): WorkerFailure =>
    (failure = { error: explain(err), since: fresh || !failure ? new Date().toISOString() : failure.since, attempts: fresh ? 0 : (failure?.attempts ?? 0) + 1 });

  try {
    current = await create();
  } catch (err) {
    if (!options.retryFirst?.(err)) throw err;
    failed(err, true);
    logger.warn(`${name}: the server refuses to start the Worker (${failure!.error}); retrying until it accepts it`, { error: failure!.error });
  }

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        wake = () => {};
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake = done;
    });

  const attempt = async (): Promise<TemporalWorker | undefined> => {
    creating = true;
    try {
      return await create();
    } catch (err) {
      failed(err, false);
      logger.debug(`${name}: recreating the Worker failed`, { error: failure!.error, attempts: failure!.attempts });
      return undefined;
    } finally {
      creating = false;
    }
  };

  const loop = async (): Promise<void> => {
    let delay = failure ? firstBackoffMs : 0;
    for (;;) {
      if (!current) {
        if (delay > 0 && !swap && !stopRequested) await sleep(delay);
        const next = swap;
        swap = undefined;
        if (next) create = next.create;
        if (stopRequested) return next?.reject(new Error('The worker is shutting down; redeploy cancelled'));
        const made = await attempt();
        next?.resolve();
        if (!made) {
          delay = Math.min(Math.max(delay * 2, firstBackoffMs), maxBackoffMs);
          continue;
        }
        if (stopRequested || swap) {
          // Asked to stop (or replaced again) while it was being made: it never polls for long.
          await made.runUntil(Promise.resolve()).catch(() => undefined);
          delay = 0;
          continue;
        }
        if (failure) {
          const outageSeconds = Math.round((Date.now() - Date.parse(failure.since)) / 1000);
          logger.info(`${name}: Worker recreated, polling again`, { after: failure.error, outageSeconds, failedAttempts: failure.attempts });
        }
        failure = undefined;
        current = made;
      }
      const outcome = await runToEnd(current);
      current = undefined;
      if (swap) {
        delay = 0;
        continue;
      }
      if (stopRequested) {
        if (outcome) throw outcome;
        return;
      }
      // Already noted if someone asked (the `failure` getter) while this Worker was FAILED: keep that time.
      if (!failure) failed(outcome ?? new Error('The Worker stopped by itself.'), true);
      logger.warn(`${name}: the Temporal Worker failed (${failure!.error}) and stopped polling; making a new one every ${firstBackoffMs / 1000}–${maxBackoffMs / 1000} s until the server accepts it`, {
        error: failure!.error,
      });
      delay = firstBackoffMs;
    }
  };

  return {
    get state(): WorkerState {
      return current ? current.getState() : creating ? 'RECREATING' : 'FAILED';
    },
    get failure() {
      // A Worker goes FAILED a moment before the loop notices (runToEnd checks every 250 ms): say why at once.
      if (!failure && current?.getState() === 'FAILED') failed(new Error('The Worker failed.'), true);
      return failure;
    },
    run() {
      running ??= loop();
      return running;
    },
    async shutdown() {
      stopRequested = true;
      wake();
      if (!running) running = current ? current.runUntil(Promise.resolve()).then(() => undefined) : Promise.resolve();
      else if (current?.getState() === 'RUNNING') current.shutdown();
      await running;
    },
    replace(next) {
      if (!running || stopRequested) return Promise.reject(new Error('replace() needs a running worker'));
      return new Promise<void>((resolve, reject) => {
        const previous = swap;
        swap = {
          create: next,
          resolve: () => (previous?.resolve(), resolve()),
          reject: (err) => (previous?.reject(err), reject(err)),
        };
        if (current?.getState() === 'RUNNING') current.shutdown();
        else wake(); // FAILED: try the new code now; RECREATING or draining: the loop takes the swap next
      });
    },
    retryNow: () => wake(),
  };
}
