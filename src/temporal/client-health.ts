/**
 * Whether the Temporal server answers, as seen by the console's own calls. Every call reports its
 * outcome, so the "server down" banner appears as soon as anything fails and clears on the next
 * success; a ping (single-flight, cached) only happens when nothing else called recently.
 */
import { isGrpcServiceError } from '@temporalio/client';

export interface HealthState {
  /** undefined until the first call or ping has answered. */
  reachable: boolean | undefined;
  /** Why the server is considered unreachable, for the banner and /readyz. */
  reason: string | undefined;
  checkedAt: number | undefined;
}

const UNAVAILABLE = 14;
const DEADLINE_EXCEEDED = 4;

export class ServerHealth {
  #state: HealthState = { reachable: undefined, reason: undefined, checkedAt: undefined };
  #inflight: Promise<HealthState> | undefined;

  state(): HealthState {
    return { ...this.#state };
  }

  reachable(): void {
    this.#state = { reachable: true, reason: undefined, checkedAt: Date.now() };
  }

  /** A deadline on a call that waits for a worker (query, update) says nothing about the server. */
  observeError(err: unknown, dependsOnWorker: boolean): void {
    const code = grpcCode(err);
    if (code === UNAVAILABLE || (code === DEADLINE_EXCEEDED && !dependsOnWorker)) {
      this.#state = { reachable: false, reason: describe(err), checkedAt: Date.now() };
    } else if (code !== undefined && code !== DEADLINE_EXCEEDED) {
      this.reachable(); // the server answered, even if with an error
    }
  }

  async refresh(maxAgeMs: number, ping: () => Promise<void>): Promise<HealthState> {
    const { checkedAt } = this.#state;
    if (checkedAt !== undefined && Date.now() - checkedAt < maxAgeMs) return this.state();
    this.#inflight ??= ping()
      .catch((err: unknown) => {
        // A ping that fails without a gRPC code (e.g. bad TLS setup) still means unreachable.
        if (this.#state.reachable !== false || grpcCode(err) === undefined) {
          this.#state = { reachable: false, reason: describe(err), checkedAt: Date.now() };
        }
      })
      .then(() => this.state())
      .finally(() => (this.#inflight = undefined));
    return this.#inflight;
  }
}

/** The gRPC status code of an error or of any error in its cause chain (the SDK wraps them). */
export function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return e.code;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

function describe(err: unknown): string {
  const code = grpcCode(err);
  if (code === UNAVAILABLE) return 'No connection to the Temporal server (refused or lost).';
  if (code === DEADLINE_EXCEEDED) return 'The Temporal server did not answer in time.';
  return `Cannot reach the Temporal server: ${temporalErrorMessage(err)}`;
}

/**
 * A failed call, in words for the page: the SDK's own messages ("Failed to describe workflow") hide the
 * reason in a cause, and gRPC's carry status prefixes and load-balancer details.
 */
export function temporalErrorMessage(err: unknown): string {
  const code = grpcCode(err);
  if (code === UNAVAILABLE) return 'the Temporal server is not reachable';
  if (code === DEADLINE_EXCEEDED) return 'no answer in time (is the Temporal server up, and a worker running?)';
  let deepest: unknown = err;
  for (let depth = 0; (deepest as { cause?: unknown })?.cause && depth < 5; depth++) deepest = (deepest as { cause: unknown }).cause;
  const message = deepest instanceof Error ? deepest.message : String(deepest);
  return message.replace(/^\d+ [A-Z_]+: /, '');
}
