/**
 * Standalone key-checking gateway in front of the local dev server: `tsx src/gateway/main.ts`.
 * A demo aid for rotating the worker's API key offline; against Temporal Cloud nothing like it runs.
 * Settings: GATEWAY_UPSTREAM (or TEMPORAL_ADDRESS), GATEWAY_ADDRESS, GATEWAY_ADMIN_ADDRESS, GATEWAY_ADMIN_SECRET.
 */
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { announceReady, onShutdown } from '../process/lifecycle.js';
import { runGateway } from './run.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const secret = config.gateway.adminSecret;
  const upstream = config.gateway.upstream ?? config.temporal.address;
  const logger = createLogger({ name: 'gateway', level: config.logLevel, secrets: () => (secret ? [secret] : []) });
  if (!upstream) throw new Error('The gateway needs GATEWAY_UPSTREAM (or TEMPORAL_ADDRESS): the plaintext Temporal server to forward to.');
  if (!secret) throw new Error('The gateway needs GATEWAY_ADMIN_SECRET: the shared secret of its admin API.');
  const running = await runGateway(
    { upstream, listen: config.gateway.address, adminAddress: config.gateway.adminAddress, adminSecret: secret },
    logger,
  );
  onShutdown(running.close, (msg) => logger.info(msg));
  announceReady({ component: 'gateway', url: running.admin.url });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
