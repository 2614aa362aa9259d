/**
 * The console's Prometheus metrics, on a registry of its own (not prom-client's global one) so that
 * tests can build many apps side by side and each counts only its own traffic. Served at /metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Scenario } from '../temporal/contract.js';

const PREFIX = 'order_console_';

/** How an order ended, as counted by orders_finished_total. */
export type OrderOutcome = 'completed' | 'failed' | 'terminated' | 'timed_out' | 'cancelled';

export interface ConsoleMetrics {
  registry: Registry;
  /** Route is the Hono route pattern (/orders/:orderId), never the raw path, to keep cardinality bounded. */
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  ordersStarted: Counter<'scenario'>;
  ordersFinished: Counter<'scenario' | 'outcome'>;
  sseViewers: Gauge;
  temporalCalls: Counter<'method'>;
  /** Prometheus text exposition of everything above plus the default process metrics. */
  exposition(): Promise<string>;
  contentType: string;
}

export interface ConsoleMetricsOptions {
  /** Node process metrics (CPU, memory, event loop lag); tests that build many apps may turn them off. */
  processMetrics?: boolean;
}

export function createConsoleMetrics(options: ConsoleMetricsOptions = {}): ConsoleMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: PREFIX });
  const registers = [registry];
  return {
    registry,
    httpDuration: new Histogram({
      name: `${PREFIX}http_request_duration_seconds`,
      help: 'Time to produce the response headers, by route pattern.',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    ordersStarted: new Counter({
      name: `${PREFIX}orders_started_total`,
      help: 'Order workflows started by this console (duplicate submissions are not counted).',
      labelNames: ['scenario'],
      registers,
    }),
    ordersFinished: new Counter({
      name: `${PREFIX}orders_finished_total`,
      help: 'Orders seen reaching a terminal state, counted once per workflow run.',
      labelNames: ['scenario', 'outcome'],
      registers,
    }),
    sseViewers: new Gauge({
      name: `${PREFIX}sse_viewers`,
      help: 'Browsers currently watching an order over server-sent events.',
      registers,
    }),
    temporalCalls: new Counter({
      name: `${PREFIX}temporal_calls_total`,
      help: 'Calls made by the console to the Temporal server, by client method.',
      labelNames: ['method'],
      registers,
    }),
    exposition: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/** Scenario label for orders whose workflow type is not one of ours (started by another UI). */
export function scenarioLabel(scenario: Scenario | undefined): string {
  return scenario ?? 'unknown';
}
