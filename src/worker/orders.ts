/**
 * Entry point of the orders worker process (`npm run worker`): the worker, its Prometheus metrics, and one
 * HTTP server for its health endpoints and (with a secret) the console's control channel.
 */
import type { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import type { PollFailureWatch } from '../metrics/poll-failures.js';
import { REVOKED_API_KEY_PLACEHOLDER, type ControlHandlers } from './control.js';
import { createOrdersWorker, type OrdersWorkerHandle } from './orders-worker.js';
import { connectWorker, exitWithError } from './process.js';
import { runWorkerProcess } from './serve.js';

// Every key this process has held (the start-up key, each rotated one) and the control secret: none is
// ever printed, by our logs, the SDK's logs routed through them, or a fatal error.
const secrets = new Set<string>();

async function main(): Promise<void> {
  const config = loadConfig();
  for (const secret of [config.temporal.apiKey, config.worker.controlSecret]) if (secret) secrets.add(secret);
  const logger = createLogger({ name: 'worker', level: config.logLevel, secrets: () => secrets });
  const secret = config.worker.controlSecret;
  if (!secret) logger.info('No WORKER_CONTROL_SECRET: the control channel (key rotation, deploy fix) stays off');
  await runWorkerProcess<OrdersWorkerHandle>({
    name: 'Orders worker',
    component: 'orders-worker',
    logger,
    logLevel: config.logLevel,
    metrics: { address: config.worker.metricsAddress, setting: 'WORKER_METRICS_ADDRESS' },
    ops: { address: config.worker.controlAddress, setting: 'WORKER_CONTROL_ADDRESS' },
    connect: () => connectWorker(config.temporal, `localhost:${config.devServer.port}`),
    create: (connection, activityHooks) => createOrdersWorker({ config, connection, logger, activityHooks }),
    control: (connection, worker, pollFailures) =>
      secret ? { secret, initialApiKey: config.temporal.apiKey, handlers: controlHandlers(connection, worker, pollFailures) } : undefined,
    describe: (worker) => ({ namespace: config.temporal.namespace, taskQueue: worker.taskQueue, fixedRecoverableFailure: worker.fixed }),
  });
}

function controlHandlers(connection: NativeConnection, worker: OrdersWorkerHandle, pollFailures: PollFailureWatch): ControlHandlers {
  return {
    setApiKey: async (key) => {
      // Known before the SDK sees it, so that no line logged while switching can carry it. The revoke
      // placeholder is public, and stays readable.
      if (key !== REVOKED_API_KEY_PLACEHOLDER) secrets.add(key);
      await connection.setApiKey(key);
    },
    deployFix: () => worker.redeploy({ fixed: true }),
    restoreBug: () => worker.redeploy({ fixed: false }),
    status: async () => {
      await pollFailures.refresh();
      return { fixDeployed: worker.fixed, pollRejections: pollFailures.rejections() };
    },
  };
}

main().catch((err: unknown) => exitWithError(err, secrets));
