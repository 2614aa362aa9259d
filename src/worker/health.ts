/**
 * A worker's health endpoints, for process supervisors and load balancers: unauthenticated, so they say
 * nothing secret (states and gRPC status names only, never a server message, which may quote a key).
 *
 *   GET /healthz → 200 { status: 'ok' }: the process is alive and serving.
 *   GET /readyz  → 200 { status: 'ready', checks } when the Worker is RUNNING, the server answers this
 *                  worker's own connection (same address, same key), and no poll failed in the last 30 s;
 *                  otherwise 503 { status: 'unavailable', reason, checks }.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import type { NativeConnection, State } from '@temporalio/worker';
import { Hono } from 'hono';
import type { PollFailureWatch } from '../metrics/poll-failures.js';

/** A poll failure this recent makes the worker unready: the SDK retries refused polls about every 10 s. */
export const POLL_FAILURE_WINDOW_MS = 30_000;

export interface ReadinessSources {
  workerState(): State;
  /** One cheap call to the server through the worker's connection; rejects when it fails. */
  pingServer(): Promise<unknown>;
  /** Absent when the process exports no metrics (nothing to read poll failures from). */
  pollFailures?: Pick<PollFailureWatch, 'lastFailureAt' | 'refresh'>;
  now?: () => number;
}

export interface Readiness {
  ready: boolean;
  reason?: string;
  checks: {
    worker: State;
    /** 'ok', or the gRPC status name of the failed call (UNAUTHENTICATED, UNAVAILABLE...). */
    server: string;
    lastPollFailureAt: string | null;
  };
}

export async function checkReadiness({ workerState, pingServer, pollFailures, now = Date.now }: ReadinessSources): Promise<Readiness> {
  const [server] = await Promise.all([pingServer().then(() => 'ok', statusName), pollFailures?.refresh()]);
  const lastFailure = pollFailures?.lastFailureAt();
  const worker = workerState();
  const recentFailure = lastFailure !== undefined && now() - lastFailure < POLL_FAILURE_WINDOW_MS;
  const reason =
    worker !== 'RUNNING'
      ? `The worker is ${worker}, not polling.`
      : server !== 'ok'
        ? `The Temporal server did not answer this worker (${server}).`
        : recentFailure
          ? `The worker's polls failed within the last ${POLL_FAILURE_WINDOW_MS / 1000} s.`
          : undefined;
  const checks = { worker, server, lastPollFailureAt: lastFailure === undefined ? null : new Date(lastFailure).toISOString() };
  return reason ? { ready: false, reason, checks } : { ready: true, checks };
}

export function healthRoutes(sources: ReadinessSources): Hono {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      c.header('Cache-Control', 'no-store');
      const { ready, reason, checks } = await checkReadiness(sources);
      return ready ? c.json({ status: 'ready', checks }) : c.json({ status: 'unavailable', reason, checks }, 503);
    });
}

/** pingServer for a NativeConnection: GetSystemInfo (allowed to any valid key), answered within `timeoutMs`. */
export function pingWith(connection: NativeConnection, timeoutMs = 2_000): () => Promise<unknown> {
  let inFlight: Promise<unknown> | undefined;
  return () => {
    // Core retries an unreachable server inside one call, well past the gRPC deadline: a timer bounds how
    // long /readyz waits, and callers share the call still running, so frequent probes do not pile up calls.
    inFlight ??= connection
      .withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}))
      .finally(() => (inFlight = undefined));
    inFlight.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('No answer in time.'), { code: grpcStatus.DEADLINE_EXCEEDED })), timeoutMs);
    });
    return Promise.race([inFlight, late]).finally(() => clearTimeout(timer));
  };
}

function statusName(err: unknown): string {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'number') return grpcStatus[e.code] ?? 'ERROR';
  }
  return 'ERROR';
}
