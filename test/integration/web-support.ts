/**
 * The console under test: createApp() wired to the run's real dev server (or to any address, e.g. a
 * closed port), driven with app.request() — no listener, no mocked Temporal. Plus readers for what the
 * tests look at: metric values, SSE events, testid'd elements.
 */
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { Hono } from 'hono';
import { inject } from 'vitest';
import type { Config } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createConsoleMetrics } from '../../src/metrics/console.js';
import type { ConsoleMetrics } from '../../src/metrics/console.js';
import { createOrderConsoleClient, lazyConnection } from '../../src/temporal/client.js';
import type { OrderConsoleClient } from '../../src/temporal/client.js';
import { createWorkerControlClient, type WorkerControlClient } from '../../src/temporal/worker-control-client.js';
import { startControlServer } from '../../src/worker/control.js';
import type { OrdersWorkerHandle } from '../../src/worker/orders-worker.js';
import { createCartClient } from '../../src/cart/client.js';
import { createFulfilmentClient } from '../../src/fulfilment/client.js';
import { createIdempotenceClient } from '../../src/idempotence/client.js';
import { createApp } from '../../src/web/app.js';
import type { AppDeps } from '../../src/web/app.js';
import { testConfig } from '../support/env.js';

/** The console's own origin under testConfig()'s defaults (loopback, WEB_PORT 3000): its forms post from here. */
export const ORIGIN = 'http://localhost:3000';

export interface TestConsole {
  app: Hono;
  metrics: ConsoleMetrics;
  console: OrderConsoleClient;
  config: Config;
  /** GET, or POST of a form (with the same-origin header a browser sends). */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, form: Record<string, string>, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export interface TestConsoleOptions extends Partial<Pick<AppDeps, 'workerControl' | 'workerKeys' | 'gatewayAdmin' | 'deployment' | 'deploymentRamp' | 'recheckMs' | 'newOrderId' | 'logger' | 'sessions' | 'access' | 'systems'>> {
  /** Temporal address; default the run's dev server. */
  address?: string;
  config?: Config;
  timeoutMs?: number;
  /** Changes what the console's client does, e.g. to play a worker of another language. */
  wrapClient?: (client: OrderConsoleClient) => OrderConsoleClient;
}

export function startTestConsole(options: TestConsoleOptions = {}): TestConsole {
  const config = options.config ?? testConfig();
  const address = options.address ?? inject('temporalAddress');
  const connection = lazyConnection({ address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const metrics = createConsoleMetrics({ processMetrics: false });
  const real = createOrderConsoleClient({ client, config, metrics, timeoutMs: options.timeoutMs });
  const consoleClient = options.wrapClient ? options.wrapClient(real) : real;
  const app = createApp({
    client: consoleClient,
    config,
    metrics,
    logger: options.logger ?? createLogger({ name: 'web-test', level: 'error', json: true }),
    recheckMs: options.recheckMs ?? 100,
    workerControl: options.workerControl,
    workerKeys: options.workerKeys,
    gatewayAdmin: options.gatewayAdmin,
    deployment: options.deployment,
    deploymentRamp: options.deploymentRamp,
    newOrderId: options.newOrderId,
    sessions: options.sessions,
    access: options.access,
    carts: createCartClient({ client, taskQueue: config.taskQueue, continueEvery: config.cart.continueEvery, metrics, timeoutMs: options.timeoutMs }),
    fulfilment: createFulfilmentClient({ client, config, metrics, timeoutMs: options.timeoutMs }),
    idempotence: createIdempotenceClient({ client, config, metrics, timeoutMs: options.timeoutMs }),
    systems: options.systems,
  });
  return {
    app,
    metrics,
    console: consoleClient,
    config,
    get: async (path, headers = {}) => app.request(path, { headers }),
    post: async (path, form, headers = {}) =>
      app.request(path, {
        method: 'POST',
        body: new URLSearchParams(form),
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `http://localhost:${config.web.port}`, ...headers },
      }),
    close: () => connection.close(),
  };
}

/**
 * The orders worker's real control channel (the worker's HTTP server and the console's client) in front of
 * a test's in-process worker: what Deploy fix and Restore the bug go through under `npm start`.
 */
export async function startTestWorkerControl(orders: OrdersWorkerHandle): Promise<{ control: WorkerControlClient; close(): Promise<void> }> {
  const secret = randomBytes(24).toString('base64url');
  const server = await startControlServer({
    address: '127.0.0.1:0',
    secret,
    logger: createLogger({ name: 'control-test', level: 'error', json: true }),
    handlers: {
      setApiKey: async () => undefined,
      deployFix: () => orders.redeploy({ fixed: true }),
      restoreBug: () => orders.redeploy({ fixed: false }),
      status: () => ({ fixDeployed: orders.fixed, pollRejections: { count: 0, lastAt: null } }),
    },
  });
  return { control: createWorkerControlClient({ url: server.url, secret }), close: () => server.close() };
}

/** Current value of a counter or gauge, for one label set (0 when never touched). */
export async function metricValue(metrics: ConsoleMetrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = metrics.registry.getSingleMetric(`order_console_${name}`);
  if (!metric) throw new Error(`No metric ${name}`);
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return match?.value ?? 0;
}

export interface SseEvent {
  event: string;
  data: string;
  /** Present when the event carries one (what the browser shows once it applied the event). */
  id?: string;
}

/**
 * Reads an SSE response until `until` says stop, the stream ends, or the time is up; then cancels the
 * body, which is what a browser leaving the page does.
 */
export async function readEvents(
  response: Response, until: (events: SseEvent[]) => boolean = () => false, timeoutMs = 15_000,
): Promise<{ events: SseEvent[]; ended: boolean }> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = '';
  let ended = false;
  const timer = setTimeout(() => void reader.cancel().catch(() => undefined), timeoutMs);
  try {
    while (!until(events)) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const lines = block.split('\n');
        const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? 'message';
        const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        const id = lines.find((l) => l.startsWith('id: '))?.slice(4);
        if (lines.some((l) => l.startsWith('data: '))) events.push({ event, data, ...(id === undefined ? {} : { id }) });
      }
    }
  } finally {
    clearTimeout(timer);
    if (!ended) await reader.cancel().catch(() => undefined);
  }
  return { events, ended };
}

/** Text content of the first element with data-testid="id" (tags stripped, entities kept escaped). */
export function testid(html: string, id: string): string | undefined {
  const match = new RegExp(`<(\\w+)[^>]*data-testid="${id}"[^>]*>([\\s\\S]*?)</\\1>`).exec(html);
  return match?.[2]?.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
}

/** An attribute of the first element with data-testid="id". */
export function testidAttr(html: string, id: string, attr: string): string | undefined {
  const tag = new RegExp(`<[^>]*data-testid="${id}"[^>]*>`).exec(html)?.[0];
  return tag ? new RegExp(`${attr}="([^"]*)"`).exec(tag)?.[1] : undefined;
}
