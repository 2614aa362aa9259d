/**
 * The orders worker at demo pace, as the issue compared it with the Go worker: many HappyPath orders started
 * at once at TimeScale 1, then, from their histories, the time each order took beyond its designed delays,
 * the mean workflow-task processing time and the most activities running at once; from /proc, the
 * worker's CPU per order and its resident memory, idle (a freshly started worker, settled) and at peak.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { startOrders } from './drill-orders.js';
import { maxConcurrent, mean, orderFigures, type JsonHistory } from './history-figures.js';
import type { LocalStack } from './local-stack.js';
import { cpuMs, resetPeakMemory, statusMb } from './proc-stats.js';
import { quantile } from './stats.js';

export interface WorkerAtPace {
  /** Mean over the orders of (duration − designed delays), ms. */
  overheadMs: number;
  overheadP95Ms: number;
  /** Mean WorkflowTaskStarted → WorkflowTaskCompleted over every workflow task of every order, ms. */
  workflowTaskMs: number;
  /** The most activities running at once across all the orders (from their histories). */
  maxActivities: number;
  /** The worker process's CPU time (all threads) over the run, per order, ms. */
  cpuMsPerOrder: number;
  /** The dev server's, likewise: on two cores the worker and the server share the CPU. */
  serverCpuMsPerOrder: number | undefined;
  /** The embedded database's, likewise (undefined with DATABASE_URL: another machine's CPU). */
  databaseCpuMsPerOrder: number | undefined;
  /**
   * This process's, likewise: the key-checking gateway that relays every call of the orders worker lives in
   * it, as in `npm start`'s launcher (the bench's own client, starting the orders and awaiting them, adds
   * 1–2 ms an order: measured with ORDER_DEMO_GATEWAY=false).
   */
  gatewayCpuMsPerOrder: number;
  /** VmRSS of the freshly started worker, settled, before the orders. */
  idleRssMb: number | undefined;
  /** VmHWM over the run. */
  peakRssMb: number | undefined;
}

/** How long a freshly started worker is left alone before its idle memory is read. */
const SETTLE_MS = 3_000;

/** `env`: settings for the worker of this run (they stay for the later starts of the worker, until set again). */
export async function measureWorkerAtPace(ls: LocalStack, orders: number, timeScale = 1, env: Record<string, string> = {}): Promise<WorkerAtPace> {
  // A fresh worker per run: idle memory is a new worker's, and no run inherits the previous one's heap.
  await ls.stack.stopComponent('orders-worker');
  await ls.stack.startComponent('orders-worker', env);
  const pid = ls.stack.supervisor.child('orders-worker')?.pid;
  if (pid === undefined) throw new Error('The orders worker is not running.');
  await sleep(SETTLE_MS);
  const idleRssMb = statusMb(pid, 'VmRSS');
  resetPeakMemory(pid);
  const workerCpu = cpuPerOrder(pid, orders);
  const serverCpu = cpuPerOrder(ls.serverPid(), orders);
  const databaseCpu = cpuPerOrder(ls.stack.supervisor.child('database')?.pid, orders);
  const gatewayCpu = cpuPerOrder(process.pid, orders);
  const handles = await startOrders(ls.client, ls.config.taskQueue, orders, { timeScale, humanWaitSeconds: 1 }, ['HappyPath']);
  await ls.client.connection.withDeadline(Date.now() + 300_000, () => Promise.all(handles.map((o) => o.handle.result())));
  const cpuMsPerOrder = workerCpu()!;
  const serverCpuMsPerOrder = serverCpu();
  const databaseCpuMsPerOrder = databaseCpu();
  const gatewayCpuMsPerOrder = gatewayCpu()!;
  const peakRssMb = statusMb(pid, 'VmHWM');
  const figures = await Promise.all(
    handles.map(async (o) => orderFigures(JSON.parse(historyToJSON(await o.handle.fetchHistory())) as JsonHistory)),
  );
  const overheads = figures.map((f) => f.overheadMs);
  return {
    overheadMs: mean(overheads),
    overheadP95Ms: quantile(overheads, 0.95),
    workflowTaskMs: mean(figures.flatMap((f) => f.workflowTaskMs)),
    maxActivities: maxConcurrent(figures.flatMap((f) => f.activityRuns)),
    cpuMsPerOrder,
    serverCpuMsPerOrder,
    databaseCpuMsPerOrder,
    gatewayCpuMsPerOrder,
    idleRssMb,
    peakRssMb,
  };
}

/** Starts counting a process's CPU time (all threads); the returned function gives it per order, or undefined without a process. */
function cpuPerOrder(pid: number | undefined, orders: number): () => number | undefined {
  if (pid === undefined) return () => undefined;
  const before = cpuMs(pid);
  return () => (cpuMs(pid) - before) / orders;
}
