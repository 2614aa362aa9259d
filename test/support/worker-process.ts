/**
 * A real worker entry point (src/worker/orders.ts or shipping.ts) as a child process, the way the launcher
 * runs it: `node --import tsx`, an IPC channel whose "ready" message says the Worker is polling, free ports
 * for its endpoints, and its whole output kept for "no secret leaks" assertions. A process of its own is
 * also the only way to give a worker a Runtime with a Prometheus exporter: Runtime.install works once per
 * process, and the test process already has one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { probePort } from '../../src/temporal/devserver.js';
import path from 'node:path';
import { inject } from 'vitest';
import type { LogLevel } from '../../src/logger.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export interface WorkerProcessOptions {
  /** Which entry point; default the orders worker. */
  entry?: 'orders' | 'shipping';
  /** TEMPORAL_ADDRESS; default the run's dev server. */
  temporalAddress?: string;
  apiKey?: string;
  /** WORKER_CONTROL_SECRET (orders worker); without it the control channel stays off. */
  controlSecret?: string;
  /** The orders task queue, or the shipping worker's TEMPORAL_NEXUS_TASK_QUEUE. */
  taskQueue: string;
  logLevel?: LogLevel;
  /** Any further environment. */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export interface WorkerProcess {
  child: ChildProcess;
  /** host:port of its Prometheus endpoint; metricsUrl is its /metrics. */
  metricsAddress: string;
  metricsUrl: string;
  /** Base URL of its HTTP server: /healthz and /readyz, and the orders worker's control channel. */
  controlUrl: string;
  /** Every line written to stdout and stderr so far. */
  output: string[];
  /** SIGTERM, then waits for the exit (SIGKILL after 15 s). Safe to call twice. */
  stop(): Promise<void>;
}

/** A port that was free a moment ago (bound to 0 and released). */
export function freePort(): Promise<number> {
  return probePort(0);
}

/** Starts the entry point with only the environment it needs (plus PATH and HOME) and resolves once it is ready. */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const { entry = 'orders', timeoutMs = 120_000 } = options;
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const opsAddress = `127.0.0.1:${await freePort()}`;
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: options.temporalAddress ?? inject('temporalAddress'),
    TEMPORAL_API_KEY: options.apiKey,
    WORKER_CONTROL_SECRET: options.controlSecret,
    LOG_LEVEL: options.logLevel ?? 'info',
    // Today's unversioned worker, like testConfig's: suites on the shared server must not share a deployment.
    ORDER_DEMO_VERSIONING: 'false',
    ...(entry === 'orders'
      ? { TEMPORAL_TASK_QUEUE: options.taskQueue, WORKER_METRICS_ADDRESS: metricsAddress, WORKER_CONTROL_ADDRESS: opsAddress }
      : { TEMPORAL_NEXUS_TASK_QUEUE: options.taskQueue, SHIPPING_WORKER_METRICS_ADDRESS: metricsAddress, SHIPPING_WORKER_HEALTH_ADDRESS: opsAddress }),
    ...options.env,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', `src/worker/${entry}.ts`], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
  });
  const output: string[] = [];
  const partial = { stdout: '', stderr: '' };
  for (const stream of ['stdout', 'stderr'] as const) {
    child[stream]?.on('data', (chunk: Buffer) => {
      const lines = (partial[stream] + chunk.toString()).split('\n');
      partial[stream] = lines.pop() ?? '';
      output.push(...lines);
    });
    child[stream]?.on('end', () => partial[stream] && output.push(partial[stream]));
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.kill('SIGTERM');
        await exited;
        clearTimeout(timer);
      }
    })());
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`The ${entry} worker was not ready within ${timeoutMs / 1000} s:\n${output.join('\n')}`)), timeoutMs);
      child.on('message', (msg: { type?: string }) => {
        if (msg?.type !== 'ready') return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`The ${entry} worker exited (${signal ?? code}) before it was ready:\n${output.join('\n')}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { child, metricsAddress, metricsUrl: `http://${metricsAddress}/metrics`, controlUrl: `http://${opsAddress}`, output, stop };
}

/** GET a worker endpoint: its status and its body, parsed when it is JSON. */
export async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: text };
  }
}
