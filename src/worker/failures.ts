/**
 * Naming why a worker cannot poll, in gRPC status names only (UNAUTHENTICATED, UNAVAILABLE...): a server's
 * message may quote a key's fingerprint or more, and these names go into unauthenticated health answers.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import type { NativeConnection } from '@temporalio/worker';

const CREDENTIALS = new Set<number>([grpcStatus.UNAUTHENTICATED, grpcStatus.PERMISSION_DENIED]);

/** The gRPC status name of an error (looking through its causes), or 'ERROR'. */
export function grpcStatusName(err: unknown): string {
  const code = grpcCodeOf(err);
  return code === undefined ? 'ERROR' : (grpcStatus[code] ?? 'ERROR');
}

/** The server refused the worker's credentials (the key is revoked, wrong or lacks the permission). */
export function isCredentialError(err: unknown): boolean {
  const code = grpcCodeOf(err);
  return code !== undefined && CREDENTIALS.has(code);
}

/**
 * Why a Worker failed. A Worker whose polls were refused rejects with a bookkeeping error of the SDK
 * ("Worker still in use": a poll was still outstanding when it shut down), not with the refusal itself;
 * the worker's own latest failed poll (read from its metrics) then names the cause.
 */
export function failureCause(err: unknown, lastPollFailure?: () => string | undefined): string {
  const named = grpcStatusName(err);
  return named !== 'ERROR' ? named : (lastPollFailure?.() ?? named);
}

/**
 * The call Core's Worker validation makes (DescribeNamespace), made first and bounded: Worker.create builds
 * the workflow sandbox before it asks the server and does not free it when the server refuses, so trying to
 * create Workers in a loop while the key is refused would leak one sandbox per attempt.
 */
export function connectionCheck(connection: NativeConnection, namespace: string, timeoutMs = 5_000): () => Promise<void> {
  return async () => {
    await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.describeNamespace({ namespace }));
  };
}

function grpcCodeOf(err: unknown): number | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 10; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'number') return e.code;
  }
  return undefined;
}
