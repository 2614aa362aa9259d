/**
 * A worker's health endpoints, for process supervisors and load balancers: unauthenticated, so they say
 * nothing secret (states and gRPC status names only, never a server message, which may quote a key).
 *
 *   GET /healthz → 200 { status: 'ok' }: the process is alive and serving.
 *   GET /readyz  → 200 { status: 'ready', checks } when the Worker is RUNNING and polling, the server answers
 *                  this worker's own connection (same address, same key), and no poll failed in the last
 *                  30 s unless polls are open again now; otherwise 503 { status: 'unavailable', reason, checks }.
 *
 * pollingStatus() is the same truth for the control channel's /status: is this worker polling right now?
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import type { NativeConnection } from '@temporalio/worker';
import { Hono } from 'hono';
import type { PollFailureWatch } from '../metrics/poll-failures.js';
import { grpcStatusName } from './failures.js';
import type { WorkerFailure, WorkerState } from './keep-running.js';

/** A poll failure this recent makes the worker unready: the SDK retries refused polls about every 10 s. */
export const POLL_FAILURE_WINDOW_MS = 30_000;
/**
 * A worker with no poll open at the server and a failed one this recent is not polling: Core retries a
 * refused poll every 10 s, and the worker reads its counters every 2 s, so failures seen 12 s apart are
 * one outage going on.
 */
export const FAILING_NOW_MS = 15_000;

type PollReadings = Pick<PollFailureWatch, 'lastFailureAt' | 'lastFailureCode' | 'openPolls' | 'refresh'>;

export interface ReadinessSources {
  workerState(): WorkerState;
  /** Why no Worker polls after a failure (the orders worker keeps making new ones). */
  workerFailure?(): WorkerFailure | undefined;
  /** One cheap call to the server through the worker's connection; rejects when it fails. */
  pingServer(): Promise<unknown>;
  /** Absent when the process exports no metrics (nothing to read poll failures from). */
  pollFailures?: Partial<PollReadings> & Pick<PollReadings, 'lastFailureAt' | 'refresh'>;
  now?: () => number;
}

export interface Readiness {
  ready: boolean;
  reason?: string;
  checks: {
    worker: WorkerState;
    /** Whether the worker polls now (see pollingStatus). */
    polling: boolean;
    /** 'ok', or the gRPC status name of the failed call (UNAUTHENTICATED, UNAVAILABLE...). */
    server: string;
    lastPollFailureAt: string | null;
  };
}

export interface PollingStatus {
  /** The Worker runs and its polls are not being refused or failing right now. */
  polling: boolean;
  workerState: WorkerState;
  /** Why it is not polling, in words (status names only); null while it polls. */
  problem: string | null;
}

/** Is the worker polling right now? Read from its state and its latest poll counters (no call made). */
export function pollingStatus({ workerState, workerFailure, pollFailures, now = Date.now }: Omit<ReadinessSources, 'pingServer'>): PollingStatus {
  const state = workerState();
  if (state !== 'RUNNING') return { polling: false, workerState: state, problem: notRunning(state, workerFailure?.()) };
  const lastFailure = pollFailures?.lastFailureAt();
  const open = pollFailures?.openPolls?.();
  // An open poll is an accepted one (a refused poll ends at once): failures before it are over.
  if (lastFailure === undefined || now() - lastFailure >= FAILING_NOW_MS || (open ?? 0) > 0) return { polling: true, workerState: state, problem: null };
  const code = pollFailures?.lastFailureCode?.() ?? 'ERROR';
  const refused = code === 'UNAUTHENTICATED' || code === 'PERMISSION_DENIED';
  return {
    polling: false,
    workerState: state,
    problem: refused
      ? `Its polls are refused (${code}): the server does not accept its API key. It retries every 10 s.`
      : `Its polls fail (${code}): the server is not answering them. It retries every 10 s.`,
  };
}

export async function checkReadiness(sources: ReadinessSources): Promise<Readiness> {
  const { pingServer, pollFailures, now = Date.now } = sources;
  const [server] = await Promise.all([pingServer().then(() => 'ok', grpcStatusName), pollFailures?.refresh()]);
  const lastFailure = pollFailures?.lastFailureAt();
  const { polling, workerState: worker, problem } = pollingStatus(sources);
  const pollsOpen = (pollFailures?.openPolls?.() ?? 0) > 0;
  const recentFailure = lastFailure !== undefined && now() - lastFailure < POLL_FAILURE_WINDOW_MS && !pollsOpen;
  const reason =
    worker !== 'RUNNING'
      ? notPolling(problem!)
      : server !== 'ok'
        ? `The Temporal server did not answer this worker (${server}).`
        : !polling
          ? notPolling(problem!)
          : recentFailure
            ? `The worker's polls failed within the last ${POLL_FAILURE_WINDOW_MS / 1000} s.`
            : undefined;
  const checks = { worker, polling, server, lastPollFailureAt: lastFailure === undefined ? null : new Date(lastFailure).toISOString() };
  return reason ? { ready: false, reason, checks } : { ready: true, checks };
}

function notRunning(state: WorkerState, failure: WorkerFailure | undefined): string {
  if (!failure) return `The worker is ${state}, not polling.`;
  if (failure.detail) return failure.detail;
  const tries = failure.attempts === 0 ? '' : ` (${failure.attempts} attempt${failure.attempts === 1 ? '' : 's'} failed so far)`;
  return `Its Temporal Worker failed (${failure.error}) and stopped polling; the worker makes a new one every few seconds${tries} and polls again once the server accepts it.`;
}

/** "Not polling: its polls are refused...": a problem sentence as a readiness reason. */
function notPolling(problem: string): string {
  return problem.startsWith('The worker is ') ? problem : `Not polling: ${problem.charAt(0).toLowerCase()}${problem.slice(1)}`;
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
