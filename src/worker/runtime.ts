/**
 * The SDK runtime of a worker process: SDK, workflow and activity-context logs go through our logger,
 * with the workflow type turned into the order's scenario. Must be installed before any connection.
 */
import type { LogLevel as SdkLogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import { Runtime, type RuntimeOptions } from '@temporalio/worker';
import type { Logger, LogLevel } from '../logger.js';
import { scenarioOf } from '../temporal/contract.js';

const LEVELS: Record<SdkLogLevel, LogLevel> = { TRACE: 'debug', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' };

/** Adapts our logger to the SDK's Logger interface. */
export function sdkLogger(logger: Logger): SdkLogger {
  const log = (level: SdkLogLevel, message: string, meta?: LogMetadata): void => {
    // taskToken is an opaque blob; namespace is the same on every line of a process.
    const { workflowType, namespace: _ns, taskToken: _token, ...fields } = (meta ?? {}) as Record<string, unknown>;
    const scenario = typeof workflowType === 'string' ? scenarioOf(workflowType) : undefined;
    logger[LEVELS[level]](message, { ...fields, scenario, workflowType: scenario ? undefined : workflowType });
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

/**
 * Installs the process-wide runtime. Shutdown signals are left to the entry point: it owns the worker
 * handle, which may swap Workers on redeploy, so one code path decides how the process stops.
 */
export function installRuntime(logger: Logger, options: Omit<RuntimeOptions, 'logger' | 'shutdownSignals'> = {}): Runtime {
  return Runtime.install({
    ...options,
    // Core's own (Rust) warnings, e.g. "Failing workflow task", join the same log stream.
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} }, ...options.telemetryOptions },
    logger: sdkLogger(logger),
    shutdownSignals: [],
  });
}
