/**
 * What the API key panel shows: the worker's key (fingerprint, when it was set), whether its polls are
 * being refused right now, and the keys the demo gateway knows. Read from the worker's control channel
 * and the gateway's admin API, which only ever hand out fingerprints and counters: no key string
 * reaches this module.
 */
import type { UnknownKeyStats } from '../../gateway/admin.js';
import type { ApiKeyState, KeyInfo, WorkerStatus } from '../../temporal/worker-control-client.js';
import type { GatewayKeyAdmin, WorkerKeyControl } from '../deps.js';

/** gateway: the console issues and revokes keys itself (offline demo); cloud: keys come from Temporal Cloud. */
export type KeyMode = 'gateway' | 'cloud';

/** A gateway key as the panel lists it; `current` marks the one the worker uses. */
export interface KeyRow extends KeyInfo {
  current: boolean;
}

/**
 * What the panel says of the worker's polls. accepted: it polls and nothing refuses it; rejected: the server
 * refuses its key now; not-polling: the worker itself says it does not poll (its Temporal Worker FAILED or is
 * being made again, its polls fail): never shown as Accepted, whatever the gateway last saw.
 */
export type PollVerdict = 'accepted' | 'rejected' | 'not-polling';

export interface PollState {
  verdict: PollVerdict;
  /** The worker's polls are being refused now (recently, and nothing accepted since). */
  rejecting: boolean;
  /** The worker's own reason for not polling (FAILED, recreating, refused...), when it gives one. */
  problem: string | undefined;
  /** Its Temporal Worker's state, when it says (RUNNING, FAILED, RECREATING...). */
  workerState: string | undefined;
  /** Refusals of the worker's key in the gateway's recent window (gateway mode only). */
  recentAtGateway: number | undefined;
  lastRejectedAt: Date | undefined;
  lastAcceptedAt: Date | undefined;
  /** Refusals the worker itself counted since it started. */
  workerCount: number;
}

export type KeyPanel =
  | { available: false; mode: KeyMode; reason: 'not-connected' | 'unreachable' | 'no-key'; detail: string }
  | {
      available: true;
      mode: KeyMode;
      key: ApiKeyState;
      polls: PollState;
      /** Undefined in Cloud mode, or when the gateway did not answer (then gatewayProblem says why). */
      keys: KeyRow[] | undefined;
      unknown: UnknownKeyStats | undefined;
      gatewayProblem: string | undefined;
    };

/** The worker reports refusals it saw this recently as happening "now" (the gateway's own window is 30 s). */
export const RECENT_MS = 30_000;

export async function readKeyPanel(
  worker: WorkerKeyControl | undefined,
  gateway: GatewayKeyAdmin | undefined,
  now: number = Date.now(),
): Promise<KeyPanel> {
  const mode: KeyMode = gateway ? 'gateway' : 'cloud';
  if (!worker) {
    return {
      available: false, mode, reason: 'not-connected',
      detail: 'The console has no secret for the worker\'s control channel: set WORKER_CONTROL_SECRET for both (npm start does).',
    };
  }
  const [status, list] = await Promise.allSettled([worker.status(), gateway?.listKeys()]);
  if (status.status === 'rejected') return { available: false, mode, reason: 'unreachable', detail: problemOf(status.reason) };
  const { apiKey, pollRejections } = status.value;
  if (!apiKey) {
    return { available: false, mode, reason: 'no-key', detail: 'The worker connects without an API key: there is no key to show or rotate.' };
  }
  const listed = list.status === 'fulfilled' ? list.value : undefined;
  const current = listed ? workerKeyOf(listed.keys, apiKey) : undefined;
  return {
    available: true,
    mode,
    key: apiKey,
    polls: pollState(status.value, current, now),
    keys: listed?.keys.map((k) => ({ ...k, current: k.id === current?.id })),
    unknown: listed?.unknown,
    gatewayProblem: list.status === 'rejected' ? problemOf(list.reason) : undefined,
  };
}

/**
 * The gateway key the worker presents, found by fingerprint (all the worker reveals). Should two keys
 * share the last 4 characters, the newest is taken: it is the one a rotation just handed over.
 */
export function workerKeyOf(keys: readonly KeyInfo[], apiKey: ApiKeyState | null): KeyInfo | undefined {
  const fingerprint = apiKey?.fingerprint;
  if (!fingerprint) return undefined;
  return keys.filter((k) => k.fingerprint === fingerprint).sort((a, b) => b.issuedAt.localeCompare(a.issuedAt))[0];
}

/** Rejected "now": the gateway refused the worker's key lately and accepted nothing since, or the worker saw refusals lately with the key it has now. */
export function pollState(
  { apiKey, pollRejections, polling, pollingProblem, workerState }: Pick<WorkerStatus, 'apiKey' | 'pollRejections' | 'polling' | 'pollingProblem' | 'workerState'>,
  current: KeyInfo | undefined,
  now: number,
): PollState {
  const gatewayRejected = date(current?.lastRejectedAt);
  const gatewayAccepted = date(current?.lastAcceptedAt);
  // Refusals of an earlier key do not count: only those after the key in use now was set.
  const workerRejected = date(pollRejections.lastAt);
  const sinceRotation = workerRejected && apiKey && workerRejected.getTime() > Date.parse(apiKey.rotatedAt) ? workerRejected : undefined;
  const byGateway = (current?.rejectedRecently ?? 0) > 0 && (!gatewayAccepted || (gatewayRejected?.getTime() ?? 0) > gatewayAccepted.getTime());
  const byWorker = sinceRotation !== undefined && now - sinceRotation.getTime() < RECENT_MS;
  const lastRejectedAt = [gatewayRejected, sinceRotation].filter((d): d is Date => d !== undefined).sort((a, b) => b.getTime() - a.getTime())[0];
  const rejecting = byGateway || byWorker;
  return {
    // A worker that does not say whether it polls (an older one) is judged by refusals alone.
    verdict: rejecting ? 'rejected' : polling === false ? 'not-polling' : 'accepted',
    rejecting,
    problem: pollingProblem ?? undefined,
    workerState,
    recentAtGateway: current?.rejectedRecently,
    lastRejectedAt,
    lastAcceptedAt: gatewayAccepted,
    workerCount: pollRejections.count,
  };
}

function date(iso: string | null | undefined): Date | undefined {
  return iso ? new Date(iso) : undefined;
}

/** A failed call to the control channel or the gateway, in words; their clients never quote a key or a secret. */
export function problemOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
