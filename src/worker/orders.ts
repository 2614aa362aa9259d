/**
 * Entry point of the orders worker process (`npm run worker`): the worker, its Prometheus metrics, and one
 * HTTP server for its health endpoints and (with a secret) the console's control channel. Under `npm start`
 * it tells the supervisor its current key and fix state after each change, so that a restart resumes as it was.
 */
import type { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config.js';
import { DATABASE_WAIT_MS, openDatabase } from '../db/database.js';
import { createSystems, databaseSecrets } from '../db/systems.js';
import { createLogger } from '../logger.js';
import type { PollFailureWatch } from '../metrics/poll-failures.js';
import { reportWorkerState, underSupervisor } from '../process/supervision.js';
import { crashThisProcess } from '../idempotence/crash.js';
import { REVOKED_API_KEY_PLACEHOLDER, type ControlHandlers } from './control.js';
import { pollingStatus } from './health.js';
import { createOrdersWorker, type OrdersWorkerHandle } from './orders-worker.js';
import { connectWorker, exitWithError } from './process.js';
import { runWorkerProcess } from './serve.js';

// Every key this process has held (the start-up key, each rotated one) and the control secret: none is
// ever printed, by our logs, the SDK's logs routed through them, or a fatal error. The revoke placeholder
// is public, and stays readable.
const secrets = new Set<string>();

async function main(): Promise<void> {
  const config = loadConfig();
  for (const secret of [config.temporal.apiKey, config.worker.controlSecret]) if (secret && secret !== REVOKED_API_KEY_PLACEHOLDER) secrets.add(secret);
  const logger = createLogger({ name: 'worker', level: config.logLevel, secrets: () => secrets });
  for (const s of databaseSecrets(config.database.url)) secrets.add(s);
  const secret = config.worker.controlSecret;
  // Opened (and migrated) before the worker polls: an unreachable database stops the start with its reason.
  const db = config.database.url ? await openDatabase(config.database.url, { logger, waitForServerMs: config.supervisor.awaitServer ? DATABASE_WAIT_MS : 0 }) : undefined;
  const systems = db && createSystems(db);
  if (!secret) logger.info('No WORKER_CONTROL_SECRET: the control channel (key rotation, deploy fix) stays off');
  await runWorkerProcess<OrdersWorkerHandle>({
    name: 'Orders worker',
    component: 'orders-worker',
    logger,
    logLevel: config.logLevel,
    awaitServer: config.supervisor.awaitServer,
    metrics: { address: config.worker.metricsAddress, setting: 'WORKER_METRICS_ADDRESS' },
    ops: { address: config.worker.controlAddress, setting: 'WORKER_CONTROL_ADDRESS' },
    connect: async (key) => {
      if (key === undefined) return connectWorker(config.temporal, `localhost:${config.devServer.port}`);
      // A key handed over while the start-up one was refused: known as a secret before the SDK sees it.
      if (key !== REVOKED_API_KEY_PLACEHOLDER) secrets.add(key);
      const connection = await connectWorker({ ...config.temporal, apiKey: key }, `localhost:${config.devServer.port}`);
      reportWorkerState({ apiKey: key, fixDeployed: config.worker.fixedRecoverableFailure });
      return connection;
    },
    create: (connection, activityHooks, pollFailures) =>
      createOrdersWorker({
        config,
        connection,
        logger,
        activityHooks,
        systems,
        // The idempotence extension's crash, only where a supervisor brings the worker back (npm start).
        crashWorker: underSupervisor() ? crashThisProcess(logger) : undefined,
        // A refused key at start-up (a restart after a revoke) waits for a new key, when one can be handed over.
        waitForCredentials: secret !== undefined,
        lastPollFailure: () => pollFailures.lastFailureCode(),
      }),
    control: secret
      ? {
          secret,
          initialApiKey: config.temporal.apiKey,
          fixDeployed: config.worker.fixedRecoverableFailure,
          // Restarted with a key revoked meanwhile, it waits for a new one rather than exit (and be restarted with it again).
          awaitKey: true,
          handlers: controlHandlers,
        }
      : undefined,
    describe: (worker) => ({
      namespace: config.temporal.namespace,
      taskQueue: worker.taskQueue,
      ...(worker.versioning
        ? { deployment: worker.versioning.deploymentName, versions: `${worker.versioning.bugBuildId}, ${worker.versioning.fixBuildId}` }
        : { fixedRecoverableFailure: worker.fixed }),
    }),
  });
}

function controlHandlers(connection: NativeConnection, worker: OrdersWorkerHandle, pollFailures: PollFailureWatch, keyInUse: string | undefined): ControlHandlers {
  let apiKey = keyInUse;
  // What a restart must keep (the supervisor holds it in memory only); nothing happens without a supervisor.
  const report = (): void => reportWorkerState({ apiKey, fixDeployed: worker.fixed });
  return {
    setApiKey: async (key) => {
      // Known before the SDK sees it, so that no line logged while switching can carry it.
      if (key !== REVOKED_API_KEY_PLACEHOLDER) secrets.add(key);
      await connection.setApiKey(key);
      apiKey = key;
      report();
      // A Worker that failed while the key was refused is remade now rather than after its backoff.
      worker.retryNow();
    },
    deployFix: async () => {
      await worker.redeploy({ fixed: true });
      report();
    },
    restoreBug: async () => {
      await worker.redeploy({ fixed: false });
      report();
    },
    status: async () => {
      // Versioned, the console may have changed the current version itself: ask the server, not memory.
      await Promise.all([pollFailures.refresh(), worker.refresh?.().catch(() => undefined)]);
      const { polling, workerState, problem } = pollingStatus({ workerState: () => worker.state, workerFailure: () => worker.failure, pollFailures });
      return {
        fixDeployed: worker.fixed,
        pollRejections: pollFailures.rejections(),
        polling,
        workerState,
        pollingProblem: problem,
        identity: worker.identity,
      };
    },
  };
}

main().catch((err: unknown) => exitWithError(err, secrets));
