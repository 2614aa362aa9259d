/** Entry point of the Nexus shipping handler worker process (`npm run worker:shipping`). */
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { connectWorker, exitWithError, onShutdownSignals } from './process.js';
import { installRuntime } from './runtime.js';
import { createShippingWorker } from './shipping-worker.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const secrets = [config.nexus.handler.apiKey].filter((s): s is string => !!s);
  const logger = createLogger({ name: 'shipping', level: config.logLevel, secrets: () => secrets });
  installRuntime(logger);
  // The handler may live on another server; without its own address it shares the orders server.
  const connection = await connectWorker(config.nexus.handler, config.temporal.address);
  try {
    const worker = await createShippingWorker({ config, connection, logger });
    onShutdownSignals(() => worker.shutdown(), logger);
    logger.info('Shipping worker started', { namespace: worker.namespace, taskQueue: worker.taskQueue });
    await worker.run();
    logger.info('Shipping worker stopped');
  } finally {
    await connection.close();
  }
}

main().catch(exitWithError);
