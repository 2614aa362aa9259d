/**
 * Entry point of the Nexus shipping handler worker process (`npm run worker:shipping`): the worker, and its
 * own Prometheus and health endpoints (a separate process cannot share the orders worker's ports).
 */
import { loadConfig } from '../config.js';
import { DATABASE_WAIT_MS, openDatabase } from '../db/database.js';
import { createSystems, databaseSecrets } from '../db/systems.js';
import { createLogger } from '../logger.js';
import { connectWorker, exitWithError } from './process.js';
import { runWorkerProcess } from './serve.js';
import { createShippingWorker } from './shipping-worker.js';

const secrets = new Set<string>();

async function main(): Promise<void> {
  const config = loadConfig();
  if (config.nexus.handler.apiKey) secrets.add(config.nexus.handler.apiKey);
  for (const s of databaseSecrets(config.database.url)) secrets.add(s);
  const logger = createLogger({ name: 'shipping', level: config.logLevel, secrets: () => secrets });
  const db = config.database.url ? await openDatabase(config.database.url, { logger, waitForServerMs: config.supervisor.awaitServer ? DATABASE_WAIT_MS : 0 }) : undefined;
  const systems = db && createSystems(db);
  await runWorkerProcess({
    name: 'Shipping worker',
    component: 'shipping-worker',
    logger,
    logLevel: config.logLevel,
    awaitServer: config.supervisor.awaitServer,
    metrics: { address: config.shippingWorker.metricsAddress, setting: 'SHIPPING_WORKER_METRICS_ADDRESS' },
    ops: { address: config.shippingWorker.healthAddress, setting: 'SHIPPING_WORKER_HEALTH_ADDRESS' },
    // The handler may live on another server; without its own address it shares the orders server.
    connect: () => connectWorker(config.nexus.handler, config.temporal.address ?? `localhost:${config.devServer.port}`),
    create: (connection, activityHooks, pollFailures) =>
      createShippingWorker({ config, connection, logger, activityHooks, systems, lastPollFailure: () => pollFailures.lastFailureCode() }),
    describe: (worker) => ({ namespace: worker.namespace, taskQueue: worker.taskQueue }),
  });
}

main().catch((err: unknown) => exitWithError(err, secrets));
