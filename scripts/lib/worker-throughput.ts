/**
 * Worker throughput: HappyPath orders completed per second with many running at once at a fast pace, and
 * the orders worker's peak memory meanwhile (VmHWM of its process, reset before each run).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { startOrders } from './drill-orders.js';
import type { LocalStack } from './local-stack.js';

export interface WorkerRun {
  ordersPerSecond: number;
  peakMemoryMb: number | undefined;
}

export async function measureWorkerThroughput(ls: LocalStack, orders: number, timeScale: number): Promise<WorkerRun> {
  const pid = ls.stack.supervisor.child('orders-worker')?.pid;
  if (pid === undefined) throw new Error('The orders worker is not running.');
  resetPeakMemory(pid);
  const started = Date.now();
  const handles = await startOrders(ls.client, ls.config.taskQueue, orders, { timeScale, humanWaitSeconds: 1 }, ['HappyPath']);
  // Bounded: a worker that stops making progress fails the run instead of hanging the benchmark.
  await ls.client.connection.withDeadline(Date.now() + 180_000, () => Promise.all(handles.map((o) => o.handle.result())));
  const ordersPerSecond = orders / ((Date.now() - started) / 1000);
  return { ordersPerSecond, peakMemoryMb: peakMemoryMb(pid) };
}

/** Linux: writing 5 to clear_refs resets the process's peak resident set (VmHWM) to its current size. */
function resetPeakMemory(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not Linux, or not allowed: the figure is then the peak since the worker started.
  }
}

function peakMemoryMb(pid: number): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}
