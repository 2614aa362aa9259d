/**
 * This worker's polls, read back from the SDK's own counters: temporal_long_request_failure
 * {operation="Poll…", status_code=…} for the failed ones, and temporal_long_request minus the count of
 * temporal_long_request_latency for those open at the server right now. The SDK writes no log line when the
 * server refuses a poll, and its Prometheus exporter has no in-process getter (the buffered exporter would
 * replace it), so the worker scrapes its own endpoint on loopback and remembers when the counters last rose.
 *
 * Open polls tell "polling" from "being refused": an accepted poll stays open at the server (a long poll,
 * up to a minute), while a refused one ends at once and Core waits (up to 10 s) before the next attempt.
 */
import type { Logger } from '../logger.js';
import type { PollRejections } from '../worker/control.js';
import { parseExposition, sum, type Exposition, type Labels } from './exposition.js';
import { SDK_LONG_REQUESTS, SDK_LONG_REQUESTS_ENDED, SDK_POLL_FAILURES } from './names.js';

export interface PollFailureWatch {
  /** Polls refused for the credentials (UNAUTHENTICATED, PERMISSION_DENIED) since start, and when that count last rose. */
  rejections(): PollRejections;
  /** When any poll last failed (refused, server unreachable...), in ms since the epoch. */
  lastFailureAt(): number | undefined;
  /** The status code of the failures seen last (UNAUTHENTICATED, TRANSPORT_ERROR...). */
  lastFailureCode(): string | undefined;
  /** Polls open at the server at the last scrape (started, not ended); undefined before the first one. */
  openPolls(): number | undefined;
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
const isPoll = (l: Labels) => l.operation?.startsWith('Poll') === true;
const isFailure = (l: Labels) => isPoll(l) && l.status_code !== 'CANCELLED';
const isRefusal = (l: Labels) => isFailure(l) && REFUSED.has(l.status_code ?? '');

export function watchPollFailures({ metricsAddress, logger, intervalMs = 2_000, now = Date.now }: PollFailureWatchOptions): PollFailureWatch {
  const url = `http://${loopbackOf(metricsAddress)}/metrics`;
  const log = logger.child({ component: 'poll-watch' });
  let refused = 0;
  let failed = 0;
  let lastRefusedAt: number | undefined;
  let lastFailedAt: number | undefined;
  let lastCode: string | undefined;
  let byCode = new Map<string, number>();
  let open: number | undefined;
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
      const codesNow = failuresByCode(exposition);
      if (refusedNow > refused) lastRefusedAt = at;
      if (failedNow > failed) {
        lastFailedAt = at;
        lastCode = risenMost(byCode, codesNow) ?? lastCode;
      }
      refused = refusedNow;
      failed = failedNow;
      byCode = codesNow;
      open = Math.max(0, sum(exposition, SDK_LONG_REQUESTS, isPoll) - sum(exposition, SDK_LONG_REQUESTS_ENDED, isPoll));
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
    lastFailureCode: () => lastCode,
    openPolls: () => open,
    refresh,
    stop: () => clearInterval(timer),
  };
}

function failuresByCode(exposition: Exposition): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of exposition.samples) {
    if (s.name !== SDK_POLL_FAILURES || !isFailure(s.labels)) continue;
    const code = s.labels.status_code ?? 'ERROR';
    counts.set(code, (counts.get(code) ?? 0) + s.value);
  }
  return counts;
}

/** The key whose count rose most between two readings. */
function risenMost(before: Map<string, number>, after: Map<string, number>): string | undefined {
  let best: string | undefined;
  let rise = 0;
  for (const [key, n] of after) {
    if (n - (before.get(key) ?? 0) > rise) [best, rise] = [key, n - (before.get(key) ?? 0)];
  }
  return best;
}

/** Where to reach a bind address from this process: a wildcard bind is reached on loopback. */
function loopbackOf(address: string): string {
  return address.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
}
