/** What both worker entry points share: connecting with a clear error, start-up readiness, exit reporting. */
import { inspect } from 'node:util';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, connectionOptions, type TemporalTarget } from '../config.js';
import { redact } from '../logger.js';
import { DatabaseError } from '../db/errors.js';

/** An expected startup failure whose message is the whole story (no stack trace needed). */
export class StartupError extends Error {
  override name = 'StartupError';
  /** The gRPC status code, when the server refused the connection's credentials (see connectWorker). */
  code?: number;
}

// Core reports a refused GetSystemInfo at connect time in words only (tonic's descriptions of the codes).
const REFUSALS: [RegExp, number][] = [
  [/does not have valid authentication credentials|Unauthenticated/, 16],
  [/does not have permission to execute|PermissionDenied/, 7],
];

export async function connectWorker(target: TemporalTarget, fallbackAddress?: string): Promise<NativeConnection> {
  const options = connectionOptions(target, fallbackAddress);
  try {
    return await NativeConnection.connect(options);
  } catch (err) {
    const raw = (err as Error).message ?? String(err);
    // The native error is a Rust debug string; its innermost `message: "..."` is the readable part.
    const reason = /message: "([^"]+)"/.exec(raw)?.[1] ?? raw.split('\n')[0];
    const failure = new StartupError(`Cannot reach the Temporal server at ${options.address}: ${reason}`, { cause: err });
    failure.code = REFUSALS.find(([pattern]) => pattern.test(raw))?.[1];
    throw failure;
  }
}

/**
 * Resolves once the Worker reports RUNNING (the launcher waits for this before it says the demo is up);
 * rejects if `run` ends first. Worker.run() has no "started" event, hence the short polling.
 */
export async function untilRunning(state: () => string, run: Promise<unknown>): Promise<void> {
  let ended: unknown;
  const watch = run.then(
    () => (ended = new Error('The worker stopped before it was running.')),
    (err: unknown) => (ended = err ?? new Error('The worker failed during start-up.')),
  );
  while (state() !== 'RUNNING') {
    if (ended !== undefined) throw ended;
    await Promise.race([watch, new Promise((resolve) => setTimeout(resolve, 25))]);
  }
}

/**
 * For `main().catch(...)`: one line for expected failures, the full error otherwise, with every secret
 * (API keys, control secret) taken out: a native error may quote what it was given.
 */
export function exitWithError(err: unknown, secrets: Iterable<string> = []): never {
  const text = err instanceof StartupError || err instanceof ConfigError || err instanceof DatabaseError ? `error: ${err.message}` : inspect(err);
  console.error(redact(text, secrets));
  process.exit(1);
}
