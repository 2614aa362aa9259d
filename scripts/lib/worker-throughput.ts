/**
 * Worker throughput: HappyPath orders completed per second with many running at once at a fast pace, and
 * the orders worker's peak memory meanwhile (VmHWM of its process, reset before each run).
 */
import { startOrders } from './drill-orders.js';
import type { LocalStack } from './local-stack.js';
import { resetPeakMemory, statusMb } from './proc-stats.js';

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
  return { ordersPerSecond, peakMemoryMb: statusMb(pid, 'VmHWM') };
}
