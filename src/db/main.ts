/**
 * Entry point of the embedded database part that `npm start` runs when DATABASE_URL is unset: PGlite
 * served on loopback (ORDER_DEMO_PGLITE_PORT), its data in ORDER_DEMO_PGLITE_DIR, which survives restarts.
 * It migrates the schema before it says it is ready, so the parts that connect next find it current.
 */
import path from 'node:path';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { announceReady, onShutdown } from '../process/lifecycle.js';
import { openDatabase } from './database.js';
import { startPgliteServer } from './pglite-server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ name: 'database', level: config.logLevel });
  const dataDir = path.resolve(config.database.pglite.dataDir);
  const server = await startPgliteServer({ dataDir, port: config.database.pglite.port });
  onShutdown(() => server.stop(), (msg) => logger.info(`Embedded database ${msg}`));
  const db = await openDatabase(server.url, { logger, max: 1 });
  await db.close();
  logger.info('Embedded database ready', { address: `127.0.0.1:${server.port}`, dataDir });
  announceReady({ component: 'database', url: server.url });
}

main().catch((err: unknown) => {
  console.error(`[database] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
