/** Waiting with a bound: a bench or drill reports what did not happen instead of hanging on it. */
import { setTimeout as sleep } from 'node:timers/promises';

/** The promise's value, or `fallback` after `ms` (without leaving a timer behind to hold the process). */
export async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(resolve, ms, fallback)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` every 250 ms until it holds; false if it never did within `timeoutMs`. */
export async function until(probe: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await sleep(250);
  }
  return false;
}
