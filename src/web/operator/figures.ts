/**
 * The operator page's live figures: orders by scenario and status (Temporal visibility counts), activity
 * retries in the last minute (the worker's Prometheus counters) and the workers polling each task queue.
 * One shared read serves every open operator page, so ten pages cost the Temporal server what one does.
 */
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { SCENARIOS, type Scenario } from '../../temporal/contract.js';
import type { OrderConsoleClient, OrderCounts, TaskQueueKind } from '../../temporal/client.js';
import { BUG_PREFIX, FIX_PREFIX, isUnimplemented, type DeploymentReader } from '../../temporal/deployments.js';
import type { WorkerStatus } from '../../temporal/worker-control-client.js';
import { temporalProblem } from '../respond.js';
import { temporalUiLinks } from '../temporal-ui.js';
import { scenarioTitle } from '../scenarios.js';
import { sharedRead } from '../shared-read.js';
import { countPollers, POLLER_SEEN_MS, workerSelfReader, type WorkerSelf } from './pollers.js';
import { RetryWindow, scrapeFailures, startRetrySampler, type RetryCount } from './worker-metrics.js';

export interface ScenarioRow {
  scenario: Scenario;
  title: string;
  running: number;
  completed: number;
  failed: number;
  /** Terminated, cancelled, timed out. */
  other: number;
  /** Activity retries in the window; undefined while the worker's metrics cannot be read. */
  retries: number | undefined;
}

export interface QueueRow {
  namespace: string;
  taskQueue: string;
  kind: TaskQueueKind;
  /** Workers polling now (see pollers.ts: seen lately, and not the orders worker if it says it is not polling). */
  pollers: number | undefined;
  problem: string | undefined;
  /** What the orders worker says when it does not poll (its queues only). */
  note?: string;
}

export type RetryFigures =
  | { reachable: true; windowSeconds: number; total: number; series: RetryCount[] }
  | { reachable: false; detail: string };

export interface VersionRow {
  buildId: string;
  /** 1 (the bug) or 2 (the fix), from the build id's prefix; undefined for a build id of someone else's. */
  version: 1 | 2 | undefined;
  role: 'current' | 'ramping' | undefined;
  /** The ramp's share of new workflows, when ramping. */
  percentage?: number;
}

/** The orders' Worker Deployment, newest version first; `problem` when it cannot be read or does not exist. */
export interface DeploymentFigures {
  name: string;
  uiLink: string | undefined;
  versions: VersionRow[];
  problem: string | undefined;
  /** New workflows per version over the last few minutes (the ramp's effect); `problem` when visibility did not answer. */
  split?: { minutes: number; total: number; rows: { buildId: string; version: 1 | 2 | undefined; count: number; percent: number }[]; problem?: string };
  /** A version 2 is registered and is not current: the ramp form is offered. */
  canRamp: boolean;
  /** The ramp in force (v2 ramping), for "Stop the ramp". */
  ramping: boolean;
}

export interface OperatorView {
  at: Date;
  rows: ScenarioRow[];
  totals: Omit<ScenarioRow, 'scenario' | 'title'>;
  /** Set when visibility could not be counted (the server is down, say). */
  ordersProblem: string | undefined;
  retries: RetryFigures;
  queues: QueueRow[];
  /** A poller counts when the server heard from it this recently (pollers.ts explains the figure). */
  pollerWindowSeconds: number;
  /** Absent when Worker Versioning is off. */
  deployment: DeploymentFigures | undefined;
}

export interface OperatorFigures {
  read(): Promise<OperatorView>;
  /** The next read asks Temporal again (after a change made from the page, such as a ramp). */
  invalidate(): void;
}

export interface OperatorFiguresDeps {
  client: OrderConsoleClient;
  config: Pick<Config, 'temporal' | 'taskQueue' | 'nexus' | 'worker'>;
  logger: Logger;
  /** The orders worker's control channel: its own word on whether it polls (without it, the server's list alone). */
  worker?: { status(): Promise<WorkerStatus> };
  /** The orders' Worker Deployment (versioning on). */
  deployment?: DeploymentReader;
  /** How long one read serves every page (default 1.5 s; pages refresh every 2 s). */
  cacheMs?: number;
  /** How often the worker's retry counters are sampled in the background (default 5 s; 0: only when a page reads). */
  sampleEveryMs?: number;
}

export function createOperatorFigures({ client, config, logger, worker, deployment, cacheMs = 1500, sampleEveryMs = 5_000 }: OperatorFiguresDeps): OperatorFigures {
  const window = new RetryWindow();
  // Retries "in the last minute" mean the last minute, also on a page opened just now.
  if (sampleEveryMs > 0) startRetrySampler({ address: config.worker.metricsAddress, window, everyMs: sampleEveryMs });
  const readSelf = workerSelfReader(worker && (() => worker.status()));
  const { nexus } = config;
  // The handler's queue can only be described here when it lives on the console's own server.
  const nexusHere = (nexus.handler.address ?? config.temporal.address) === config.temporal.address;
  const queues: [string, string, TaskQueueKind][] = [
    [config.temporal.namespace, config.taskQueue, 'workflow'],
    [config.temporal.namespace, config.taskQueue, 'activity'],
    [nexus.handler.namespace, nexus.taskQueue, 'workflow'],
    [nexus.handler.namespace, nexus.taskQueue, 'nexus'],
  ];

  const readRetries = async (): Promise<RetryFigures> => {
    try {
      window.add(Date.now(), await scrapeFailures(config.worker.metricsAddress));
    } catch (err) {
      logger.debug('Worker metrics unreachable', { address: config.worker.metricsAddress, error: (err as Error).message });
      return { reachable: false, detail: `Worker metrics unreachable at ${config.worker.metricsAddress} (${(err as Error).message}).` };
    }
    const { series, coveredMs } = window.increase();
    return { reachable: true, windowSeconds: Math.round(coveredMs / 1000), total: series.reduce((n, s) => n + s.count, 0), series };
  };

  const readQueue = async ([namespace, taskQueue, kind]: (typeof queues)[number], self: WorkerSelf | undefined): Promise<QueueRow> => {
    if (namespace === nexus.handler.namespace && !nexusHere) {
      return { namespace, taskQueue, kind, pollers: undefined, problem: 'on another server' };
    }
    try {
      const orders = namespace === config.temporal.namespace && taskQueue === config.taskQueue;
      const { count, note } = countPollers(await client.pollers(namespace, taskQueue, kind), Date.now(), orders ? self : undefined);
      return { namespace, taskQueue, kind, pollers: count, problem: undefined, note };
    } catch (err) {
      return { namespace, taskQueue, kind, pollers: undefined, problem: temporalProblem(err) };
    }
  };

  const readDeployment = async (): Promise<DeploymentFigures | undefined> => {
    if (!deployment) return undefined;
    const figures = { name: deployment.name, uiLink: temporalUiLinks(config.temporal.uiUrl).deployment(config.temporal.namespace, deployment.name), versions: [], canRamp: false, ramping: false };
    try {
      const state = await deployment.read();
      if (!state) return { ...figures, problem: 'not registered: no versioned worker has polled yet (or the worker runs unversioned)' };
      const versions = [...state.versions]
        .sort((a, b) => b.createdAt - a.createdAt)
        .map((v): VersionRow => ({
          buildId: v.buildId,
          version: v.buildId.startsWith(BUG_PREFIX) ? 1 : v.buildId.startsWith(FIX_PREFIX) ? 2 : undefined,
          role: v.buildId === state.currentBuildId ? 'current' : v.buildId === state.rampingBuildId ? 'ramping' : undefined,
          ...(v.buildId === state.rampingBuildId && { percentage: state.rampingPercentage }),
        }));
      const newestFix = versions.find((v) => v.version === 2);
      return {
        ...figures,
        versions,
        problem: undefined,
        canRamp: newestFix !== undefined && newestFix.role !== 'current',
        ramping: state.rampingBuildId !== undefined && state.rampingPercentage > 0,
        split: await readSplit(versions.slice(0, 4)),
      };
    } catch (err) {
      return { ...figures, problem: isUnimplemented(err) ? 'this Temporal server has no Worker Deployments: the worker runs unversioned' : temporalProblem(err) };
    }
  };

  const readSplit = async (versions: VersionRow[]): Promise<DeploymentFigures['split']> => {
    if (!deployment?.split || versions.length === 0) return undefined;
    try {
      const { minutes, counts } = await deployment.split(versions.map((v) => v.buildId));
      const total = counts.reduce((n, c) => n + c.count, 0);
      const rows = counts.map((c) => ({
        buildId: c.buildId,
        version: versions.find((v) => v.buildId === c.buildId)?.version,
        count: c.count,
        percent: total > 0 ? Math.round((c.count / total) * 100) : 0,
      }));
      return { minutes, total, rows };
    } catch (err) {
      return { minutes: 0, total: 0, rows: [], problem: temporalProblem(err) };
    }
  };

  const read = async (): Promise<OperatorView> => {
    const [counts, retries, queueRows, deploymentFigures] = await Promise.all([
      Promise.allSettled(SCENARIOS.map((s) => client.countOrders(s))),
      readRetries(),
      readSelf().then((self) => Promise.all(queues.map((q) => readQueue(q, self)))),
      readDeployment(),
    ]);
    const failure = counts.find((c): c is PromiseRejectedResult => c.status === 'rejected');
    const rows = SCENARIOS.map((scenario, i) => {
      const result = counts[i]!;
      const row = countsRow(result.status === 'fulfilled' ? result.value : {});
      const retried = retries.reachable ? retries.series.filter((s) => s.scenario === scenario).reduce((n, s) => n + s.count, 0) : undefined;
      return { scenario, title: scenarioTitle(scenario), ...row, retries: retried };
    });
    const sum = (pick: (r: ScenarioRow) => number) => rows.reduce((n, r) => n + pick(r), 0);
    return {
      at: new Date(),
      rows,
      totals: {
        running: sum((r) => r.running), completed: sum((r) => r.completed), failed: sum((r) => r.failed), other: sum((r) => r.other),
        // Every series, including any a worker labels with a scenario this console does not know.
        retries: retries.reachable ? retries.total : undefined,
      },
      ordersProblem: failure ? temporalProblem(failure.reason) : undefined,
      retries,
      queues: queueRows,
      pollerWindowSeconds: POLLER_SEEN_MS / 1000,
      deployment: deploymentFigures,
    };
  };

  const shared = sharedRead(read, cacheMs);
  return { read: () => shared.get(), invalidate: () => shared.invalidate() };
}

function countsRow(counts: OrderCounts): Pick<ScenarioRow, 'running' | 'completed' | 'failed' | 'other'> {
  const all = Object.values(counts).reduce((n, c) => n + (c ?? 0), 0);
  const running = counts.Running ?? 0;
  const completed = counts.Completed ?? 0;
  const failed = counts.Failed ?? 0;
  return { running, completed, failed, other: all - running - completed - failed };
}
