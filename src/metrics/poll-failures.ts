/**
 * This worker's failed polls, read back from the SDK's own counter temporal_long_request_failure
 * {operation="Poll…", status_code=…}. The SDK writes no log line when the server refuses a poll, and its
 * Prometheus exporter has no in-process getter (the buffered exporter would replace it), so the worker
 * scrapes its own endpoint on loopback and remembers when the counters last went up.
 */
import type { Logger } from '../logger.js';
import type { PollRejections } from '../worker/control.js';
import { parseExposition, sum, type Labels } from './exposition.js';
import { SDK_POLL_FAILURES } from './names.js';

export interface PollFailureWatch {
  /** Polls refused for the credentials (UNAUTHENTICATED, PERMISSION_DENIED) since start, and when that count last rose. */
  rejections(): PollRejections;
  /** When any poll last failed (refused, server unreachable...), in ms since the epoch. */
  lastFailureAt(): number | undefined;
  /** Scrapes now; concurrent callers share one scrape. Never rejects. */
  refresh(): Promise<void>;
  stop(): void;
}

export interface PollFailureWatchOptions {
  /** The worker's own Prometheus bind address (config.worker.metricsAddress). */
  metricsAddress: string;
  logger: Logger;
  /** How often to scrape between on-demand refreshes; the SDK retries a refused poll about every 10 s. */
  intervalMs?: number;
  now?: () => number;
}

const REFUSED = new Set(['UNAUTHENTICATED', 'PERMISSION_DENIED']);
// A worker that shuts down (or redeploys) cancels its own polls: that is no failure.
const isFailure = (l: Labels) => l.operation?.startsWith('Poll') === true && l.status_code !== 'CANCELLED';
const isRefusal = (l: Labels) => isFailure(l) && REFUSED.has(l.status_code ?? '');

export function watchPollFailures({ metricsAddress, logger, intervalMs = 2_000, now = Date.now }: PollFailureWatchOptions): PollFailureWatch {
  const url = `http://${loopbackOf(metricsAddress)}/metrics`;
  const log = logger.child({ component: 'poll-watch' });
  let refused = 0;
  let failed = 0;
  let lastRefusedAt: number | undefined;
  let lastFailedAt: number | undefined;
  let warned = false;
  let inFlight: Promise<void> | undefined;

  const scrape = async (): Promise<void> => {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const exposition = parseExposition(await response.text());
      const at = now();
      // The counters start at 0 with the process, so a first reading above 0 is news too.
      const refusedNow = sum(exposition, SDK_POLL_FAILURES, isRefusal);
      const failedNow = sum(exposition, SDK_POLL_FAILURES, isFailure);
      if (refusedNow > refused) lastRefusedAt = at;
      if (failedNow > failed) lastFailedAt = at;
      refused = refusedNow;
      failed = failedNow;
      warned = false;
    } catch (err) {
      // Once per outage: the endpoint is ours, so this means something else is wrong with the process.
      if (!warned) log.warn('Cannot read the worker\'s own metrics; poll failures are not tracked', { url, error: err as Error });
      warned = true;
    }
  };
  const refresh = (): Promise<void> => (inFlight ??= scrape().finally(() => (inFlight = undefined)));
  const timer = setInterval(() => void refresh(), intervalMs);
  timer.unref();

  return {
    rejections: () => ({ count: refused, lastAt: lastRefusedAt === undefined ? null : new Date(lastRefusedAt).toISOString() }),
    lastFailureAt: () => lastFailedAt,
    refresh,
    stop: () => clearInterval(timer),
  };
}

/** Where to reach a bind address from this process: a wildcard bind is reached on loopback. */
function loopbackOf(address: string): string {
  return address.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
}
