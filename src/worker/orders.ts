/** Entry point of the orders worker process (`npm run worker`). */
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { createOrdersWorker } from './orders-worker.js';
import { connectWorker, exitWithError, onShutdownSignals } from './process.js';
import { installRuntime } from './runtime.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const secrets = [config.temporal.apiKey, config.worker.controlSecret].filter((s): s is string => !!s);
  const logger = createLogger({ name: 'worker', level: config.logLevel, secrets: () => secrets });
  installRuntime(logger);
  const connection = await connectWorker(config.temporal);
  try {
    const worker = await createOrdersWorker({ config, connection, logger });
    onShutdownSignals(() => worker.shutdown(), logger);
    logger.info('Orders worker started', {
      namespace: config.temporal.namespace,
      taskQueue: worker.taskQueue,
      fixedRecoverableFailure: worker.fixed,
    });
    await worker.run();
    logger.info('Orders worker stopped');
  } finally {
    await connection.close();
  }
}

main().catch(exitWithError);
