/**
 * The cost of watching: Temporal calls per second the console makes while viewers watch one order. The
 * console polls each watched order once however many browsers watch it, so 50 viewers should cost what
 * one costs (order_console_temporal_calls_total, read from /metrics before and after).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { scrapeConsole } from './console-metrics.js';
import { watchOrder } from './sse-client.js';

export async function temporalCallsPerSecond(consoleUrl: string, orderId: string, viewers: number, seconds: number): Promise<number> {
  const all = Array.from({ length: viewers }, () => watchOrder(`${consoleUrl}/orders/${orderId}/events`));
  try {
    const deadline = Date.now() + 30_000;
    while (!all.every((v) => v.events.length > 0) || (await scrapeConsole(consoleUrl)).sseViewers < viewers) {
      if (Date.now() > deadline) throw new Error(`only some of the ${viewers} viewers connected`);
      await sleep(100);
    }
    // Past the first reads that every new stream triggers: what is measured is the steady state.
    await sleep(1000);
    const before = await scrapeConsole(consoleUrl);
    const from = Date.now();
    await sleep(seconds * 1000);
    const after = await scrapeConsole(consoleUrl);
    return (after.temporalCalls - before.temporalCalls) / ((Date.now() - from) / 1000);
  } finally {
    all.forEach((v) => v.close());
  }
}
