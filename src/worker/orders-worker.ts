/**
 * The orders worker: every order workflow, ShippingWorkflow (children of the ChildWorkflow scenario run
 * here too) and all activities, on the orders task queue. Its handle keeps a Worker polling through any
 * credential outage (keep-running.ts has the state machine) and can redeploy in place: the fixed
 * RecoverableFailure code replaces the running Worker without restarting the process. Both bundles are
 * built at start-up, so a Deploy fix click never waits for webpack.
 *
 * With Worker Versioning on (config.versioning, the default) and a server that has Worker Deployments, the
 * handle runs both codes as two versions instead (versioned-orders.ts) and a redeploy changes the
 * deployment's current version; on a server without them it logs why and runs unversioned, as above.
 */
import { hostname } from 'node:os';
import { status as grpcStatus } from '@grpc/grpc-js';
import { Worker, type NativeConnection, type WorkerDeploymentOptions, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityHooks } from '../activities/index.js';
import type { Systems } from '../db/systems.js';
import type { CrashWorker } from '../idempotence/crash.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { describeDeployment, grpcCode, isUnimplemented } from '../temporal/deployments.js';
import { bundleFromSource, memoizeBundles, ordersEntry, workflowCodeVersion, type BundleProvider } from './bundles.js';
import { connectionCheck, failureCause, isCredentialError } from './failures.js';
import { keepRunning, type WorkerFailure, type WorkerState } from './keep-running.js';
import { workerClass, workerTuning } from './tuning.js';
import { createVersionedOrdersWorker, type VersioningInfo } from './versioned-orders.js';

export interface OrdersWorkerOptions {
  config: Pick<Config, 'temporal' | 'taskQueue' | 'nexus' | 'worker' | 'versioning'>;
  connection: NativeConnection;
  logger: Logger;
  /** Workflow bundles by entry; default: bundle from source (takes seconds; each entry once per process). */
  workflowBundle?: BundleProvider;
  /** Start with the RecoverableFailure fix deployed; default config.worker.fixedRecoverableFailure. */
  fixed?: boolean;
  activityHooks?: ActivityHooks;
  /** The outside systems the activities change (payments, warehouse, notifications); none: they only wait. */
  systems?: Systems;
  /** Ends the process as a crash would, for the idempotence extension: only where a supervisor restarts it (orders.ts). */
  crashWorker?: CrashWorker;
  /** Extra Worker options (e.g. interceptors or tuning from the metrics module). */
  workerOptions?: Partial<WorkerOptions>;
  /**
   * Start even if the server refuses the key (UNAUTHENTICATED, PERMISSION_DENIED), and keep retrying: for a
   * worker that can be handed a new key (its control channel). Without it such a start-up throws.
   */
  waitForCredentials?: boolean;
  /** The status code of the worker's latest failed poll (from its metrics), to name why a Worker failed. */
  lastPollFailure?: () => string | undefined;
  /** Backoff between attempts to make a new Worker after a failure (default 1 s doubling to 5 s). */
  backoff?: { firstMs: number; maxMs: number };
  /** The workflow code's hash in the build ids (default: workflowCodeVersion()). */
  codeVersion?: string;
}

export interface OrdersWorkerHandle {
  readonly taskQueue: string;
  /** The Worker identity the server lists among the task queue's pollers. */
  readonly identity: string;
  /** Whether the code deployed has the RecoverableFailure fix (it runs once a Worker polls); versioned: a v2 is current. */
  readonly fixed: boolean;
  /** Set when the worker runs as two versions of a Worker Deployment. */
  readonly versioning?: VersioningInfo;
  /** State of the Worker serving now; FAILED or RECREATING while there is none (see keep-running.ts). */
  readonly state: WorkerState;
  /** Set while no Worker polls after a failure. */
  readonly failure: WorkerFailure | undefined;
  /** Polls until shutdown(); keeps going across failures and redeploys. Rejects if the Worker fails while stopping. */
  run(): Promise<void>;
  /** Stops polling, lets in-flight tasks finish (up to the grace time) and resolves when run() has. */
  shutdown(): Promise<void>;
  /**
   * Replaces the running Worker with one built from the fixed code (or the original, `fixed: false`).
   * The old Worker serves until it drains. Resolves once the new one is created (or, while the server
   * refuses the worker, once the code is chosen: it runs as soon as a Worker can be made). A no-op when
   * that code is already deployed.
   */
  redeploy(options?: { fixed?: boolean }): Promise<void>;
  /** Something that may end a failure happened (a new API key): try to make a Worker now. */
  retryNow(): void;
  /** Re-reads `fixed` where someone else may change it (versioned: the deployment's current version). */
  refresh?(): Promise<void>;
}

export async function createOrdersWorker(options: OrdersWorkerOptions): Promise<OrdersWorkerHandle> {
  const { config, connection, logger } = options;
  const namespace = config.temporal.namespace;
  const bundles = memoizeBundles(options.workflowBundle ?? bundleFromSource(logger));
  const identity = options.workerOptions?.identity ?? `${process.pid}@${hostname()}`;
  const activities = createActivities({
    logger,
    hooks: options.activityHooks,
    shippingEndpoint: config.nexus.endpoint,
    systems: options.systems,
    crashWorker: options.crashWorker,
  });
  const check = connectionCheck(connection, namespace);
  const WorkerClass = workerClass(config.worker.tuning);
  const factory = (code: Awaited<ReturnType<BundleProvider>>, deployment?: WorkerDeploymentOptions) => async (): Promise<Worker> => {
    await check();
    return WorkerClass.create({
      connection,
      namespace,
      taskQueue: config.taskQueue,
      workflowBundle: code,
      activities,
      shutdownGraceTime: '5s',
      ...workerTuning(config.worker.tuning),
      ...(deployment && { workerDeploymentOptions: deployment }),
      ...options.workerOptions,
      identity,
    });
  };
  const keep = (name: string, create: () => Promise<Worker>) =>
    keepRunning({
      name,
      create,
      logger,
      explain: (err) => failureCause(err, options.lastPollFailure),
      retryFirst: options.waitForCredentials ? isCredentialError : undefined,
      firstBackoffMs: options.backoff?.firstMs,
      maxBackoffMs: options.backoff?.maxMs,
    });

  let fixed = options.fixed ?? config.worker.fixedRecoverableFailure;
  if (config.versioning.enabled) {
    const unavailable = await versioningUnavailable(connection, namespace, config.versioning.deploymentName);
    if (!unavailable) {
      // Both bundles first: a version that cannot be built must not leave the other one alone on the deployment.
      const [bug, fix] = await Promise.all([bundles('orders'), bundles('orders-fixed')]);
      return createVersionedOrdersWorker({
        config,
        connection,
        logger,
        identity,
        codeVersion: options.codeVersion ?? workflowCodeVersion(),
        fixedAtFirstStart: fixed,
        keep: (v2, deployment) => keep(`Orders worker (${v2 ? 'v2, fixed' : 'v1'})`, factory(v2 ? fix : bug, deployment)),
      });
    }
    logger.warn(`Worker Versioning is off: ${unavailable}. The worker runs unversioned; Deploy fix swaps the code in this process.`);
  }
  const kept = await keep('Orders worker', factory(await bundles(ordersEntry(fixed))));
  // The other variant now, while nobody waits for it: a Deploy fix (or Restore the bug) click then swaps at once.
  bundles(ordersEntry(!fixed)).then(
    () => logger.debug('Other workflow code ready: a redeploy swaps at once', { fixedRecoverableFailure: !fixed }),
    (err: unknown) => logger.warn('Bundling the other workflow code failed; a redeploy will try again', { error: err as Error }),
  );

  // One redeploy at a time, each deciding from the code the previous one left.
  let redeploys: Promise<unknown> = Promise.resolve();
  const redeploy = async (next: boolean): Promise<void> => {
    if (next === fixed) return;
    logger.info('Redeploying worker', { taskQueue: config.taskQueue, fixedRecoverableFailure: next });
    const code = await bundles(ordersEntry(next));
    await kept.replace(factory(code));
    fixed = next;
    const polling = kept.state === 'RUNNING';
    logger.info(polling ? 'Worker redeployed' : 'Code redeployed; it runs once the server accepts a Worker again', {
      taskQueue: config.taskQueue,
      fixedRecoverableFailure: fixed,
    });
  };

  return {
    taskQueue: config.taskQueue,
    identity,
    get fixed() {
      return fixed;
    },
    get state() {
      return kept.state;
    },
    get failure() {
      return kept.failure;
    },
    run: () => kept.run(),
    shutdown: () => kept.shutdown(),
    redeploy({ fixed: next = true } = {}) {
      const result = redeploys.then(() => redeploy(next));
      redeploys = result.catch(() => undefined);
      return result;
    },
    retryNow: () => kept.retryNow(),
  };
}

/** Why the server cannot run versioned workers (undefined: it can, or it cannot tell yet: go versioned). */
async function versioningUnavailable(connection: NativeConnection, namespace: string, deploymentName: string): Promise<string | undefined> {
  try {
    await connection.withDeadline(Date.now() + 5_000, () => describeDeployment(connection.workflowService, namespace, deploymentName));
    return undefined;
  } catch (err) {
    if (isUnimplemented(err)) return 'the Temporal server has no Worker Deployments (DescribeWorkerDeployment is UNIMPLEMENTED)';
    // A server that has the API but turned it off (dynamic config) refuses it as a precondition.
    if (grpcCode(err) === grpcStatus.FAILED_PRECONDITION) return 'the Temporal server has Worker Deployments turned off (FAILED_PRECONDITION)';
    // Other errors (a refused key, a server restarting) say nothing about the server's features.
    return undefined;
  }
}
