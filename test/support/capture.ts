/**
 * Evidence for "no secret leaks" assertions: every log line a suite's logger writes, and every HTTP
 * response body its fetch() calls receive.
 */
import { createLogger, type Logger } from '../../src/logger.js';

export interface CapturedLogs {
  logger: Logger;
  lines: string[];
}

/** A debug-level JSON logger that keeps its lines in memory. */
export function captureLogs(name: string): CapturedLogs {
  const lines: string[] = [];
  return { lines, logger: createLogger({ name, level: 'debug', json: true, write: (line) => lines.push(line) }) };
}

export interface RecordedResponse {
  method: string;
  url: string;
  status: number;
  body: string;
}

/** Wraps the global fetch so every response body is recorded; returns the records and a restore(). */
export function recordFetch(): { responses: RecordedResponse[]; restore(): void } {
  const original = globalThis.fetch;
  const responses: RecordedResponse[] = [];
  globalThis.fetch = async (input, init) => {
    const response = await original(input, init);
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    responses.push({ method, url, status: response.status, body: await response.clone().text() });
    return response;
  };
  return { responses, restore: () => void (globalThis.fetch = original) };
}

export { grpcCode } from '../../src/temporal/client-health.js';

/** Polls `probe` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
