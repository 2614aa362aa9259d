/**
 * The SDK runtime of a worker process: SDK, Core, workflow and activity-context logs go through our logger
 * with the order's fields (workflowId, runId, scenario from the workflow type), and the SDK's metrics plus
 * the demo's own are served by the SDK's Prometheus exporter. Must be installed before any connection.
 */
import type { LogLevel as SdkLogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { Runtime } from '@temporalio/worker';
import type { Logger, LogLevel } from '../logger.js';
import { scenarioOf } from '../temporal/contract.js';
import { StartupError } from './process.js';

const LEVELS: Record<SdkLogLevel, LogLevel> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };
/** Core's DEBUG is a per-task trace; its INFO (worker start-up and shutdown) is as much as our debug wants. */
const CORE_FILTER: Record<LogLevel, SdkLogLevel> = { debug: 'INFO', info: 'WARN', warn: 'WARN', error: 'ERROR' };
/** The same Core warning (e.g. a poll retried while the server is down) at most once per this many ms. */
const REPEAT_MS = 10_000;

/** Adapts our logger to the SDK's Logger interface. */
export function sdkLogger(logger: Logger, now: () => number = Date.now): SdkLogger {
  const lastSeen = new Map<string, { at: number; dropped: number }>();
  const runs = recentRuns();
  const log = (level: SdkLogLevel, message: string, meta?: LogMetadata): void => {
    // taskToken is an opaque blob; namespace is the same on every line of a process.
    const { workflowType, namespace: _ns, taskToken: _token, workflowRunId, ...fields } = (meta ?? {}) as Record<string, unknown>;
    const runId = fields.runId ?? workflowRunId;
    // Core's own lines (e.g. "Failing workflow task") name only the run: complete them from earlier lines.
    const run = runs(runId, fields.workflowId, workflowType);
    const scenario = typeof run?.workflowType === 'string' ? scenarioOf(run.workflowType) : undefined;
    let repeated: number | undefined;
    if (fields.sdkComponent === 'core' && (level === 'WARN' || level === 'ERROR')) {
      // Core repeats a warning per poller and per retry: "retried 6 times", "retried 7 times"...
      const key = level + message.replace(/\d+/g, '#');
      const seen = lastSeen.get(key);
      if (seen && now() - seen.at < REPEAT_MS) return void (seen.dropped += 1);
      repeated = seen?.dropped || undefined;
      lastSeen.set(key, { at: now(), dropped: 0 });
    }
    logger[LEVELS[level]](message, {
      ...fields,
      workflowId: fields.workflowId ?? run?.workflowId,
      // Activity-context lines call the run id workflowRunId; workflow lines and ours call it runId.
      runId,
      scenario,
      workflowType: scenario ? undefined : workflowType,
      repeated,
    });
  };
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}

interface Run {
  workflowId: unknown;
  workflowType: unknown;
}

/** Remembers the workflow id and type of the runs recently logged about (bounded: oldest forgotten first). */
function recentRuns(max = 1_000): (runId: unknown, workflowId: unknown, workflowType: unknown) => Run | undefined {
  const runs = new Map<unknown, Run>();
  return (runId, workflowId, workflowType) => {
    if (runId === undefined) return { workflowId, workflowType };
    if (workflowId === undefined || workflowType === undefined) return runs.get(runId) ?? { workflowId, workflowType };
    if (!runs.has(runId)) {
      if (runs.size >= max) runs.delete(runs.keys().next().value);
      runs.set(runId, { workflowId, workflowType });
    }
    return { workflowId, workflowType };
  };
}

export interface WorkerRuntimeOptions {
  /** config.logLevel: how much of Core's own logging to forward. */
  logLevel?: LogLevel;
  /** IP:port of the Prometheus endpoint; none: metrics are not exported (tests in one process). */
  metrics?: { address: string; setting: string };
}

/**
 * Installs the process-wide runtime (once per process: the SDK refuses a second install). Shutdown signals
 * are left to the entry point: it owns the worker handle, which may swap Workers on redeploy.
 */
export function installRuntime(logger: Logger, { logLevel = 'info', metrics }: WorkerRuntimeOptions = {}): Runtime {
  try {
    return Runtime.install({
      telemetryOptions: {
        // Core's own (Rust) warnings, e.g. "Failing workflow task", join the same log stream.
        logging: { filter: { core: CORE_FILTER[logLevel], other: 'ERROR' }, forward: {} },
        ...(metrics ? { metrics: { prometheus: { bindAddress: metrics.address } } } : {}),
      },
      logger: sdkLogger(logger),
      shutdownSignals: [],
    });
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    if (metrics && /prometheus/i.test(message)) {
      throw new StartupError(`Cannot serve the worker's metrics on ${metrics.address} (${message}); pick another address with ${metrics.setting}.`, {
        cause: err,
      });
    }
    throw err;
  }
}
