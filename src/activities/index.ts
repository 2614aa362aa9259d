/**
 * All activities, keyed by their contract type names, built from injected dependencies
 * (samples-typescript activities-dependency-injection). Each call is logged with the order's fields and
 * reported to optional hooks, where the metrics module plugs in.
 */
import { ACTIVITY } from '../temporal/contract.js';
import type { Logger } from '../logger.js';
import { callInfo, type CallInfo } from './context.js';
import type { Systems } from '../db/systems.js';
import * as order from './order.js';
import { createGetShippingEndpoint, createShipOrder } from './shipping.js';
import { createRestock } from './restock.js';
import type { CrashWorker } from '../idempotence/crash.js';

/** Observers of activity attempts (e.g. Prometheus counters); each is called synchronously and must not throw. */
export interface ActivityHooks {
  onAttempt?(call: CallInfo): void;
  onSuccess?(call: CallInfo, durationMs: number): void;
  onFailure?(call: CallInfo, error: unknown, durationMs: number): void;
}

export interface ActivityDeps {
  logger: Logger;
  hooks?: ActivityHooks;
  /** Nexus endpoint the NexusOperation scenario ships through (config.nexus.endpoint). */
  shippingEndpoint?: string;
  /** Source of randomness for simulated durations; injectable for tests. */
  random?: () => number;
  /**
   * The simulated outside systems (payment provider, warehouse, notifications) on the database; none: the
   * activities only wait, as the contract's reference does, and nothing is recorded.
   */
  systems?: Systems;
  /**
   * Ends the worker process as a crash would (the idempotence extension's ChargeCustomer, attempt 1): given
   * only by an entry point whose supervisor restarts it; without it that attempt fails retryably instead.
   */
  crashWorker?: CrashWorker;
}

/** The restock run's activity (our extension, not part of the wire contract). */
export const RESTOCK = 'Restock';

/** Local activity name of the NexusOperation scenario's endpoint lookup (not part of the wire contract). */
export const GET_SHIPPING_ENDPOINT = 'GetShippingEndpoint';

export function createActivities(deps: ActivityDeps) {
  const wrap = instrument(deps);
  const { systems } = deps;
  return {
    [ACTIVITY.getItems]: wrap(order.getItems),
    [ACTIVITY.checkFraud]: wrap(order.checkFraud),
    [ACTIVITY.prepareShipment]: wrap(order.createPrepareShipment(systems)),
    [ACTIVITY.undoPrepareShipment]: wrap(order.createUndoPrepareShipment(systems)),
    [ACTIVITY.chargeCustomer]: wrap(order.createChargeCustomer(systems, deps.crashWorker)),
    [ACTIVITY.undoChargeCustomer]: wrap(order.createUndoChargeCustomer(systems)),
    [ACTIVITY.shipOrder]: wrap(createShipOrder(deps.random, systems)),
    [GET_SHIPPING_ENDPOINT]: wrap(createGetShippingEndpoint(deps.shippingEndpoint)),
    [RESTOCK]: wrap(createRestock(systems)),
  };
}

export type Activities = ReturnType<typeof createActivities>;

function instrument({ logger, hooks }: ActivityDeps) {
  return <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const call = callInfo();
      const log = logger.child({
        workflowId: call.workflowId,
        runId: call.runId,
        scenario: call.scenario,
        activity: call.activityType,
        attempt: call.attempt,
      });
      const started = performance.now();
      hooks?.onAttempt?.(call);
      log.debug('Activity started');
      try {
        const result = await fn(...args);
        hooks?.onSuccess?.(call, performance.now() - started);
        log.info('Activity completed');
        return result;
      } catch (err) {
        hooks?.onFailure?.(call, err, performance.now() - started);
        // The SDK logs every failed attempt at warn already (through the same logger); this adds nothing new.
        log.debug('Activity failed', { error: err as Error });
        throw err;
      }
    };
}
