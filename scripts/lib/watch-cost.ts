/**
 * The cost of watching: Temporal calls per second the console makes while viewers watch orders
 * (order_console_temporal_calls_total, read from /metrics before and after), and the console process's
 * CPU meanwhile. The console follows each watched order once however many browsers watch it, and an
 * order with nothing pending costs only its history long poll.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { scrapeConsole } from './console-metrics.js';
import { watchOrder } from './sse-client.js';

export interface WatchCost {
  /** Console → Temporal calls per second, all orders together. */
  callsPerSecond: number;
  /** CPU of the console process, % of one core; undefined without its pid or /proc. */
  cpuPercent: number | undefined;
}

/** `viewers` streams on each of `orderIds` for `seconds`, after they all connected and settled. */
export async function measureWatchCost(consoleUrl: string, orderIds: string[], viewers: number, seconds: number, consolePid?: number): Promise<WatchCost> {
  const all = orderIds.flatMap((id) => Array.from({ length: viewers }, () => watchOrder(`${consoleUrl}/orders/${id}/events`)));
  try {
    const deadline = Date.now() + 60_000;
    while (!all.every((v) => v.events.length > 0) || (await scrapeConsole(consoleUrl)).sseViewers < all.length) {
      if (Date.now() > deadline) throw new Error(`only some of the ${all.length} viewers connected`);
      await sleep(100);
    }
    // Past the first reads that every newly followed order makes: what is measured is the steady state.
    await sleep(2000);
    const before = await scrapeConsole(consoleUrl);
    const cpuBefore = cpuSeconds(consolePid);
    const from = Date.now();
    await sleep(seconds * 1000);
    const after = await scrapeConsole(consoleUrl);
    const cpuAfter = cpuSeconds(consolePid);
    const elapsed = (Date.now() - from) / 1000;
    return {
      callsPerSecond: (after.temporalCalls - before.temporalCalls) / elapsed,
      cpuPercent: cpuBefore === undefined || cpuAfter === undefined ? undefined : ((cpuAfter - cpuBefore) / elapsed) * 100,
    };
  } finally {
    all.forEach((v) => v.close());
  }
}

/** utime + stime of a process, in seconds (Linux /proc; fields 14 and 15, in clock ticks of 1/100 s). */
export function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
