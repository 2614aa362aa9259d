/**
 * The orders' Worker Deployment (Worker Versioning), through the workflow service: the TypeScript SDK has no
 * high-level client for it. Version 1 is the code as first shipped (build id `v1-<code hash>`), version 2 the
 * one with the RecoverableFailure fix (`v2-<code hash>`); the orders worker runs both (versioned-orders-worker.ts)
 * and "the fix is deployed" means: the deployment's current version is a v2. The server keeps the current
 * version, so the fix survives any restart of the demo.
 *
 * createDeploymentControl is the console's WorkerControl in versioned mode; on a server without Worker
 * Deployments (UNIMPLEMENTED), or a deployment our worker never registered (it runs unversioned), it hands
 * every call to the worker's control channel (the in-process swap).
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import type { temporal } from '@temporalio/proto';
import type { Config } from '../config.js';
import type { FixChange, WorkerControl } from '../web/deps.js';

type WorkflowService = temporal.api.workflowservice.v1.WorkflowService;

/** Build ids start with the version's prefix; the rest is the workflow code's hash (bundles.ts). */
export const BUG_PREFIX = 'v1-';
export const FIX_PREFIX = 'v2-';

export function buildIdOf(fixed: boolean, codeVersion: string): string {
  return `${fixed ? FIX_PREFIX : BUG_PREFIX}${codeVersion}`;
}

export interface DeploymentVersion {
  buildId: string;
  /** When the server first saw it (ms), for "the newest v2". */
  createdAt: number;
}

export interface DeploymentState {
  /** undefined: no current version (unversioned workers get the new workflows). */
  currentBuildId: string | undefined;
  rampingBuildId: string | undefined;
  rampingPercentage: number;
  versions: DeploymentVersion[];
}

/** A gRPC status code on a service error (the SDK's errors carry `code`). */
export function grpcCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

export const isUnimplemented = (err: unknown): boolean => grpcCode(err) === grpcStatus.UNIMPLEMENTED;
export const isNotFound = (err: unknown): boolean => grpcCode(err) === grpcStatus.NOT_FOUND;

/** The deployment as the server knows it; undefined when it does not exist yet. Throws UNIMPLEMENTED on an older server. */
export async function describeDeployment(service: WorkflowService, namespace: string, deploymentName: string): Promise<DeploymentState | undefined> {
  let info;
  try {
    info = (await service.describeWorkerDeployment({ namespace, deploymentName })).workerDeploymentInfo;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  if (!info) return undefined;
  const routing = info.routingConfig;
  const buildIdOfVersion = (dv: { buildId?: string | null } | null | undefined, legacy: string | null | undefined): string | undefined =>
    dv?.buildId || (legacy && legacy.startsWith(`${deploymentName}.`) ? legacy.slice(deploymentName.length + 1) : undefined);
  return {
    currentBuildId: buildIdOfVersion(routing?.currentDeploymentVersion, routing?.currentVersion),
    rampingBuildId: buildIdOfVersion(routing?.rampingDeploymentVersion, routing?.rampingVersion),
    rampingPercentage: routing?.rampingVersionPercentage ?? 0,
    versions: (info.versionSummaries ?? [])
      .map((v) => ({ buildId: buildIdOfVersion(v.deploymentVersion, v.version) ?? '', createdAt: millis(v.createTime) }))
      .filter((v) => v.buildId !== ''),
  };
}

/** The newest registered version whose build id starts with `prefix`. */
export function newestOf(state: DeploymentState | undefined, prefix: string): string | undefined {
  return state?.versions.filter((v) => v.buildId.startsWith(prefix)).sort((a, b) => b.createdAt - a.createdAt)[0]?.buildId;
}

export async function setCurrentVersion(
  service: WorkflowService,
  options: { namespace: string; deploymentName: string; buildId: string; identity: string; allowNoPollers?: boolean },
): Promise<void> {
  await service.setWorkerDeploymentCurrentVersion({
    namespace: options.namespace,
    deploymentName: options.deploymentName,
    buildId: options.buildId,
    identity: options.identity,
    allowNoPollers: options.allowNoPollers ?? false,
  });
}

/** Ramps `percentage` % of new workflows to `buildId`; an empty build id with 0 % clears the ramp. */
export async function setRampingVersion(
  service: WorkflowService,
  options: { namespace: string; deploymentName: string; buildId: string; percentage: number; identity: string },
): Promise<void> {
  await service.setWorkerDeploymentRampingVersion({
    namespace: options.namespace,
    deploymentName: options.deploymentName,
    buildId: options.buildId,
    percentage: options.percentage,
    identity: options.identity,
    allowNoPollers: false,
  });
}

/** Why a ramp cannot be done: `unavailable` (versioning off or the deployment absent: 501) or `conflict` (409). */
export class RampRefused extends Error {
  constructor(message: string, readonly reason: 'unavailable' | 'conflict') {
    super(message);
    this.name = 'RampRefused';
  }
}

export interface RampChange {
  /** The version now ramping (undefined: no ramp) and its share of new workflows. */
  rampingBuildId: string | undefined;
  percentage: number;
  changed: boolean;
}

/** How far back the operator page counts new orders per version (the ramp's split). */
export const SPLIT_WINDOW_MINUTES = 10;

export interface VersionSplit {
  minutes: number;
  /** Workflows started in the window, per version (by the `TemporalWorkerDeploymentVersion` search attribute). */
  counts: { buildId: string; count: number }[];
}

/**
 * Workflows started in the last `minutes` per version. Visibility groups only by ExecutionStatus, so one count
 * per version; the attribute reads "<deployment>:<build id>" (servers before 1.28: "<deployment>.<build id>").
 */
export async function countByVersion(
  workflow: { count(query: string): Promise<{ count: number }> },
  deploymentName: string,
  buildIds: readonly string[],
  minutes = SPLIT_WINDOW_MINUTES,
  now = Date.now(),
): Promise<VersionSplit> {
  const since = new Date(now - minutes * 60_000).toISOString();
  const counts = await Promise.all(buildIds.map(async (buildId) => {
    const values = [`${deploymentName}:${buildId}`, `${deploymentName}.${buildId}`].map((v) => `'${v.replace(/'/g, "\\'")}'`).join(', ');
    const { count } = await workflow.count(`StartTime > '${since}' AND TemporalWorkerDeploymentVersion IN (${values})`);
    return { buildId, count };
  }));
  return { minutes, counts };
}

/** Reads the configured deployment (the operator page's versions): undefined when it does not exist. */
export function deploymentReader(
  client: { workflowService: WorkflowService; workflow?: { count(query: string): Promise<{ count: number }> } },
  config: Pick<Config, 'temporal' | 'versioning'>,
) {
  const workflow = client.workflow;
  return {
    name: config.versioning.deploymentName,
    read: () => describeDeployment(client.workflowService, config.temporal.namespace, config.versioning.deploymentName),
    /** New workflows per version over the last SPLIT_WINDOW_MINUTES (absent without a visibility client). */
    split: workflow ? (buildIds: readonly string[]) => countByVersion(workflow, config.versioning.deploymentName, buildIds) : undefined,
  };
}
export type DeploymentReader = ReturnType<typeof deploymentReader>;

export interface DeploymentControlOptions {
  client: { workflowService: WorkflowService };
  config: Pick<Config, 'temporal' | 'versioning'>;
  /** The worker's control channel (the in-process swap): used when the deployment is not there. */
  fallback?: WorkerControl;
  identity?: string;
}

/** Deploy fix = make our newest v2 current; Restore the bug = our newest v1; status = is a v2 current. */
export interface DeploymentControl extends WorkerControl {
  /** Ramps the newest v2 to `percentage` % of new workflows (v1 current); 0 stops the ramp. */
  ramp(percentage: number): Promise<RampChange>;
}

export function createDeploymentControl({ client, config, fallback, identity = 'order-demo-console' }: DeploymentControlOptions): DeploymentControl {
  const namespace = config.temporal.namespace;
  const deploymentName = config.versioning.deploymentName;
  const noDeployment = (): never => {
    throw new Error(`The Worker Deployment "${deploymentName}" does not exist and the console has no control channel to the worker: start the orders worker (npm start).`);
  };
  /** The deployment, or undefined when the fallback must answer (older server, worker running unversioned). */
  const read = async (): Promise<DeploymentState | undefined> => {
    if (!config.versioning.enabled) return undefined;
    try {
      return (await describeDeployment(client.workflowService, namespace, deploymentName)) ?? (fallback ? undefined : noDeployment());
    } catch (err) {
      if (isUnimplemented(err) && fallback) return undefined;
      throw err;
    }
  };
  const change = async (fixed: boolean): Promise<FixChange | void> => {
    const state = await read();
    if (!state) return fixed ? (fallback ?? noDeployment()).deployFix() : (fallback ?? noDeployment()).restoreBug();
    const target = newestOf(state, fixed ? FIX_PREFIX : BUG_PREFIX);
    if (!target) throw new Error(`No worker has registered version ${fixed ? 2 : 1} (${fixed ? FIX_PREFIX : BUG_PREFIX}*) of "${deploymentName}" yet: is the orders worker running?`);
    if (state.currentBuildId === target) return { fixDeployed: fixed, changed: false };
    await setCurrentVersion(client.workflowService, { namespace, deploymentName, buildId: target, identity });
    return { fixDeployed: fixed, changed: true };
  };
  const ramp = async (percentage: number): Promise<RampChange> => {
    if (!Number.isInteger(percentage) || percentage < 0 || percentage > 100) throw new RangeError(`A ramp is a whole percentage from 0 to 100, not ${percentage}.`);
    let state: DeploymentState | undefined;
    try {
      state = config.versioning.enabled ? await describeDeployment(client.workflowService, namespace, deploymentName) : undefined;
    } catch (err) {
      if (isUnimplemented(err)) throw new RampRefused('This Temporal server has no Worker Deployments, so the worker runs unversioned: there is nothing to ramp.', 'unavailable');
      throw err;
    }
    if (!state) {
      throw new RampRefused(config.versioning.enabled
        ? `The Worker Deployment "${deploymentName}" does not exist yet: start the orders worker (npm start).`
        : 'Worker Versioning is off (ORDER_DEMO_VERSIONING=false): there are no versions to ramp.', 'unavailable');
    }
    if (percentage === 0) {
      if (!state.rampingBuildId && state.rampingPercentage === 0) return { rampingBuildId: undefined, percentage: 0, changed: false };
      await setRampingVersion(client.workflowService, { namespace, deploymentName, buildId: '', percentage: 0, identity });
      return { rampingBuildId: undefined, percentage: 0, changed: true };
    }
    const target = newestOf(state, FIX_PREFIX);
    if (!target) throw new RampRefused(`No worker has registered version 2 (${FIX_PREFIX}*) of "${deploymentName}" yet: is the orders worker running?`, 'conflict');
    if (state.currentBuildId === target) throw new RampRefused('The fix is already the current version: Restore the bug first, then ramp the fix.', 'conflict');
    if (state.rampingBuildId === target && state.rampingPercentage === percentage) return { rampingBuildId: target, percentage, changed: false };
    await setRampingVersion(client.workflowService, { namespace, deploymentName, buildId: target, percentage, identity });
    return { rampingBuildId: target, percentage, changed: true };
  };
  return {
    ramp,
    deployFix: () => change(true),
    restoreBug: () => change(false),
    async status() {
      const state = await read();
      if (!state) return (fallback ?? noDeployment()).status();
      return { fixDeployed: state.currentBuildId?.startsWith(FIX_PREFIX) ?? false };
    },
  };
}

function millis(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!ts) return 0;
  return Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}
