/**
 * The orders worker in Worker Versioning mode: two Temporal Workers on one connection and task queue, one
 * per version of the Worker Deployment: v1 runs the code as first shipped (bundle `orders`), v2 the
 * RecoverableFailure fix (`orders-fixed`); each build id ends with the workflow code's hash, so a code
 * change is a new version. Every order workflow is PINNED by default (it finishes on the version it started
 * on); RecoverableFailure is AUTO_UPGRADE (src/workflows/recoverable-failure.ts), so a stuck order moves to
 * whichever version is current. Deploy fix = make v2 current, Restore the bug = v1: the server keeps that
 * choice, so it survives any restart. Each Worker has its own keep-running loop (a credential outage is
 * survived by both, through the shared connection's key).
 *
 * Start-up (`started`): the deployment must have a current version that is one of ours. A current v2 (of
 * any code hash) stays the fix: ours becomes current if its hash differs; anything else (none yet, a v1, a
 * version of older code) becomes our v1 (our v2 on a first start with ORDER_DEMO_FIX_DEPLOYED). A version
 * can be made current only once the server has seen its pollers, so this retries until it is.
 */
import type { WorkerDeploymentOptions } from '@temporalio/worker';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { buildIdOf, describeDeployment, FIX_PREFIX, setCurrentVersion, type DeploymentState } from '../temporal/deployments.js';
import type { WorkerFailure, KeptWorker, WorkerState } from './keep-running.js';
import type { NativeConnection } from '@temporalio/worker';

export interface VersionedOrdersOptions {
  config: Pick<Config, 'temporal' | 'taskQueue' | 'versioning'>;
  connection: NativeConnection;
  logger: Logger;
  identity: string;
  /** The workflow code's hash (bundles.ts workflowCodeVersion). */
  codeVersion: string;
  /** Whether to make v2 current when the deployment has no current version of ours yet. */
  fixedAtFirstStart: boolean;
  /** Starts a keep-running loop for one version's Worker (built with these deployment options). */
  keep(fixed: boolean, deployment: WorkerDeploymentOptions): Promise<KeptWorker>;
  /** Wait between attempts to make a version current (default 500 ms). */
  retryMs?: number;
}

export interface VersioningInfo {
  deploymentName: string;
  bugBuildId: string;
  fixBuildId: string;
  /** Resolves once the deployment's current version is one of ours (or the worker stopped before). */
  started: Promise<void>;
}

const ORDER: WorkerState[] = ['FAILED', 'RECREATING', 'INITIALIZED', 'STOPPING', 'DRAINING', 'DRAINED', 'STOPPED', 'RUNNING'];

export async function createVersionedOrdersWorker(options: VersionedOrdersOptions) {
  const { config, connection, logger, identity, retryMs = 500 } = options;
  const namespace = config.temporal.namespace;
  const deploymentName = config.versioning.deploymentName;
  const bugBuildId = buildIdOf(false, options.codeVersion);
  const fixBuildId = buildIdOf(true, options.codeVersion);
  const deployment = (buildId: string): WorkerDeploymentOptions => ({
    version: { deploymentName, buildId },
    useWorkerVersioning: true,
    defaultVersioningBehavior: 'PINNED',
  });
  // Both at once (start-up time); if one cannot be made, the other one must not stay alone on the deployment.
  const made = await Promise.allSettled([options.keep(false, deployment(bugBuildId)), options.keep(true, deployment(fixBuildId))]);
  const failed = made.find((m): m is PromiseRejectedResult => m.status === 'rejected');
  if (failed) {
    await Promise.all(made.map((m) => (m.status === 'fulfilled' ? m.value.shutdown() : undefined)));
    throw failed.reason;
  }
  const [v1, v2] = made.map((m) => (m as PromiseFulfilledResult<KeptWorker>).value) as [KeptWorker, KeptWorker];
  const both = [v1, v2];
  const service = connection.workflowService;
  const describe = (): Promise<DeploymentState | undefined> => describeDeployment(service, namespace, deploymentName);
  let fixed = false;
  let stopping = false;
  // Ends ensureCurrent's wait between attempts at once when the worker stops (a Ctrl-C must not wait for it).
  let wake = (): void => {};
  const stop = (): void => {
    stopping = true;
    wake();
  };

  const makeCurrent = async (buildId: string): Promise<void> => {
    await setCurrentVersion(service, { namespace, deploymentName, buildId, identity });
    fixed = buildId === fixBuildId;
    logger.info('Worker Deployment version made current', { deploymentName, buildId, fixedRecoverableFailure: fixed });
  };

  /** The start-up choice (see the header), retried until the server has seen the chosen version's pollers. */
  const ensureCurrent = async (): Promise<void> => {
    const startedAt = Date.now();
    let warned = false;
    for (let delay = retryMs; !stopping; delay = Math.min(delay * 2, 5_000)) {
      try {
        const state = await describe();
        const current = state?.currentBuildId;
        const keepFix = current ? current.startsWith(FIX_PREFIX) : options.fixedAtFirstStart;
        const want = keepFix ? fixBuildId : bugBuildId;
        if (current === want) fixed = keepFix;
        else await makeCurrent(want);
        return;
      } catch (err) {
        if (!warned && Date.now() - startedAt > 30_000) {
          warned = true;
          logger.warn('Cannot make one of this worker\'s versions current yet; still trying', { deploymentName, error: err as Error });
        } else logger.debug('Making a version current failed; retrying', { deploymentName, error: err as Error });
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wake = () => (clearTimeout(timer), resolve());
      });
    }
  };

  let started: Promise<void> | undefined;
  let running: Promise<void> | undefined;
  let changes: Promise<unknown> = Promise.resolve();

  const versioning: VersioningInfo = {
    deploymentName,
    bugBuildId,
    fixBuildId,
    get started() {
      return started ?? Promise.resolve();
    },
  };

  return {
    taskQueue: config.taskQueue,
    identity,
    versioning,
    get fixed() {
      return fixed;
    },
    /** The worse of the two Workers' states: the worker is RUNNING only when both versions poll. */
    get state(): WorkerState {
      const states = both.map((k) => k.state);
      return states.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))[0]!;
    },
    get failure(): WorkerFailure | undefined {
      return v1.failure ?? v2.failure;
    },
    run() {
      running ??= (async () => {
        const ends = both.map((k) => k.run());
        // Pollers first: a version is made current only once the server has seen them.
        started = ensureCurrent();
        const outcomes = await Promise.allSettled(ends);
        stop();
        await started;
        const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
        if (failed) throw failed.reason;
      })();
      return running;
    },
    async shutdown() {
      stop();
      await Promise.all(both.map((k) => k.shutdown()));
      await running?.catch(() => undefined);
    },
    /** Makes our v2 (fixed) or v1 current; a no-op when it already is. */
    redeploy({ fixed: next = true }: { fixed?: boolean } = {}): Promise<void> {
      const result = changes.then(async () => {
        const want = next ? fixBuildId : bugBuildId;
        if ((await describe())?.currentBuildId === want) fixed = next;
        else await makeCurrent(want);
      });
      changes = result.catch(() => undefined);
      return result;
    },
    /** Reads which version is current (the console may have changed it through the deployment API). */
    async refresh(): Promise<void> {
      // Bounded by a timer: Core retries an unreachable server inside one call well past a gRPC deadline,
      // and /status must answer regardless (with the last known answer).
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('No answer in time.')), 2_000)));
      const reading = connection.withDeadline(Date.now() + 2_000, describe);
      reading.catch(() => undefined);
      const state = await Promise.race([reading, late]).finally(() => clearTimeout(timer));
      fixed = state?.currentBuildId?.startsWith(FIX_PREFIX) ?? false;
    },
    retryNow() {
      for (const k of both) k.retryNow();
    },
  };
}
