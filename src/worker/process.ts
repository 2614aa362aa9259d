/** What both worker entry points share: connecting with a clear error, signal handling, exit reporting. */
import { NativeConnection } from '@temporalio/worker';
import { ConfigError, connectionOptions, type TemporalTarget } from '../config.js';
import type { Logger } from '../logger.js';

/** An expected startup failure whose message is the whole story (no stack trace needed). */
export class StartupError extends Error {
  override name = 'StartupError';
}

export async function connectWorker(target: TemporalTarget, fallbackAddress?: string): Promise<NativeConnection> {
  const options = connectionOptions(target, fallbackAddress);
  try {
    return await NativeConnection.connect(options);
  } catch (err) {
    const raw = (err as Error).message ?? String(err);
    // The native error is a Rust debug string; its innermost `message: "..."` is the readable part.
    const reason = /message: "([^"]+)"/.exec(raw)?.[1] ?? raw.split('\n')[0];
    throw new StartupError(`Cannot reach the Temporal server at ${options.address}: ${reason}`, { cause: err });
  }
}

/** First SIGINT/SIGTERM stops gracefully; a second one exits at once. */
export function onShutdownSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn('Second signal: exiting without waiting', { signal });
      process.exit(130);
    }
    stopping = true;
    logger.info('Shutting down', { signal });
    stop().catch((err: unknown) => {
      logger.error('Shutdown failed', { error: err as Error });
      process.exit(1);
    });
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

/** For `main().catch(exitWithError)`: one line for expected failures, the full error otherwise. */
export function exitWithError(err: unknown): never {
  if (err instanceof StartupError || err instanceof ConfigError) console.error(`error: ${err.message}`);
  else console.error(err);
  process.exit(1);
}
