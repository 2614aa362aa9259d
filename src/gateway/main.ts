/**
 * Standalone key-checking gateway in front of the local dev server: `tsx src/gateway/main.ts`.
 * A demo aid for rotating the worker's API key offline; against Temporal Cloud nothing like it runs.
 *
 * Settings until config.ts has gateway fields: upstream = TEMPORAL_ADDRESS (the dev server), admin secret =
 * WORKER_CONTROL_SECRET (the secret the launcher already hands to the console), fixed loopback ports below.
 */
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { announceReady, onShutdown } from '../process/lifecycle.js';
import { runGateway } from './run.js';

const DEFAULT_LISTEN = '127.0.0.1:7234';
const DEFAULT_ADMIN_ADDRESS = '127.0.0.1:7235';

async function main(): Promise<void> {
  const config = loadConfig();
  const secret = config.worker.controlSecret;
  const logger = createLogger({ name: 'gateway', level: config.logLevel, secrets: () => (secret ? [secret] : []) });
  if (!config.temporal.address) throw new Error('The gateway needs TEMPORAL_ADDRESS: the plaintext Temporal server to forward to.');
  if (!secret) throw new Error('The gateway needs WORKER_CONTROL_SECRET: the shared secret of its admin API.');
  const running = await runGateway(
    { upstream: config.temporal.address, listen: DEFAULT_LISTEN, adminAddress: DEFAULT_ADMIN_ADDRESS, adminSecret: secret },
    logger,
  );
  onShutdown(running.close, (msg) => logger.info(msg));
  announceReady({ component: 'gateway', url: running.admin.url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
