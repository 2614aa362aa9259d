/**
 * Entry point of the web console (npm run web; the launcher starts it with TEMPORAL_ADDRESS set).
 * Starts even when the Temporal server is down: the connection is lazy, and pages show a banner until
 * the server answers.
 */
import type { Server } from 'node:http';
import { createInterface } from 'node:readline';
import { serve } from '@hono/node-server';
import { Client } from '@temporalio/client';
import { ConfigError, connectionOptions, loadConfig } from '../config.js';
import type { Config } from '../config.js';
import { DATABASE_WAIT_MS, openDatabase } from '../db/database.js';
import { DatabaseError } from '../db/errors.js';
import { createSystems, databaseSecrets } from '../db/systems.js';
import { createLogger } from '../logger.js';
import { announceReady, onShutdown } from '../process/lifecycle.js';
import { servePresenterLinks, supervisorClient } from '../process/supervision.js';
import { createConsoleMetrics } from '../metrics/console.js';
import { createOrderConsoleClient, lazyConnection } from '../temporal/client.js';
import { createDeploymentControl, deploymentReader } from '../temporal/deployments.js';
import { createGatewayAdminClient, createWorkerControlClient } from '../temporal/worker-control-client.js';
import { createCartClient } from '../cart/client.js';
import { createFulfilmentClient } from '../fulfilment/client.js';
import { createIdempotenceClient } from '../idempotence/client.js';
import { createApp } from './app.js';
import { createAccess } from './room/access.js';
import { createSessions, SIGN_IN_TTL_MS } from './room/sessions.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({
    name: 'web',
    level: config.logLevel,
    secrets: () =>
      [config.temporal.apiKey, config.worker.controlSecret, config.gateway.adminSecret, config.web.sessionSecret, config.web.presenterToken, ...databaseSecrets(config.database.url)].filter(
        (s): s is string => !!s,
      ),
  });
  // The Effects panel and the Warehouse page read the outside systems' database (migrated on open).
  const db = config.database.url ? await openDatabase(config.database.url, { logger, waitForServerMs: config.supervisor.awaitServer ? DATABASE_WAIT_MS : 0 }) : undefined;
  // Started alone (no launcher, no TEMPORAL_ADDRESS): look for the dev server where `npm start` puts it.
  const options = connectionOptions(config.temporal, `localhost:${config.devServer.port}`);
  const connection = lazyConnection(options);
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const metrics = createConsoleMetrics();
  // The "Deploy fix" button needs the worker's control channel; without its secret it stays disabled.
  const secret = config.worker.controlSecret;
  const controlChannel = secret ? createWorkerControlClient({ url: config.worker.controlAddress, secret }) : undefined;
  // With Worker Versioning, Deploy fix makes the fixed version current on the server (no secret needed);
  // the control channel answers when the server has no Worker Deployments or the worker runs unversioned.
  const deploymentControl = config.versioning.enabled ? createDeploymentControl({ client, config, fallback: controlChannel }) : undefined;
  const workerControl = deploymentControl ?? controlChannel;
  // The launcher hands the console the gateway's admin secret only when the gateway runs: its presence
  // puts the API key panel in gateway mode (issue and revoke keys here); otherwise Cloud mode (paste a key).
  const adminSecret = config.gateway.adminSecret;
  const gatewayAdmin = adminSecret ? createGatewayAdminClient({ url: config.gateway.adminAddress, secret: adminSecret }) : undefined;
  const access = createAccess(config.web);
  const sessions = createSessions({ secret: config.web.sessionSecret, presenterToken: config.web.presenterToken });
  const app = createApp({
    access,
    sessions,
    client: createOrderConsoleClient({ client, config, metrics }),
    config,
    logger,
    metrics,
    workerControl,
    deploymentRamp: deploymentControl,
    workerKeys: controlChannel,
    deployment: config.versioning.enabled ? deploymentReader(client, config) : undefined,
    gatewayAdmin,
    supervisor: supervisorClient(),
    carts: createCartClient({ client, taskQueue: config.taskQueue, continueEvery: config.cart.continueEvery, metrics }),
    fulfilment: createFulfilmentClient({ client, config, metrics }),
    idempotence: createIdempotenceClient({ client, config, metrics }),
    systems: db && createSystems(db),
  });

  const server = serve({ fetch: app.fetch, hostname: config.web.host, port: config.web.port }) as Server;
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES') {
      console.error(portProblem(config, err.code));
      process.exit(1);
    }
    logger.error('Web server error', { error: err });
  });
  server.on('listening', () => {
    const url = `http://${displayHost(config.web.host)}:${config.web.port}/`;
    logger.info('Console ready', { url, temporal: options.address, signIn: access.guarded ? 'on' : 'off', audienceUrl: access.audienceUrl });
    // A one-time link for the terminal only: never logged, printed by whoever owns the terminal.
    const signInLink = () => `${url}presenter/sign-in?token=${sessions.issueSignInToken()}`;
    const signInUrl = access.guarded ? signInLink() : undefined;
    // Under `npm start` the launcher prints the URLs once everything is up (and a new link on Enter).
    if (!process.send) {
      console.log(`\n  Order demo console: ${url}`);
      if (access.audienceUrl) console.log(`  Audience view:      ${access.audienceUrl}`);
      if (signInUrl) {
        console.log(`  Presenter sign-in:  ${signInUrl}\n  (works once, within ${SIGN_IN_TTL_MS / 60_000} min; press Enter here for a new link)`);
        printLinksOnEnter(signInLink);
      }
      console.log('');
    }
    if (access.guarded) servePresenterLinks(signInLink);
    announceReady({ component: 'web', url, signInUrl });
  });

  onShutdown(
    async () => {
      server.close();
      // Live order pages hold SSE connections open: end them, or close() would wait for every browser.
      server.closeAllConnections();
      await connection.close();
      await db?.close();
    },
    (msg) => logger.info(msg),
  );
}

function portProblem(config: Config, code: string): string {
  const where = `${config.web.host}:${config.web.port}`;
  return code === 'EADDRINUSE'
    ? `The console cannot start: ${where} is already in use, probably by another console or app. ` +
        `Stop that one, or pick another port with WEB_PORT (for example WEB_PORT=3001 npm run web).`
    : `The console cannot start: it is not allowed to listen on ${where}. Pick a port above 1024 with WEB_PORT.`;
}

/** `npm run web` in a terminal: Enter prints a new one-time sign-in link. */
function printLinksOnEnter(link: () => string): void {
  if (!process.stdin.isTTY) return;
  const lines = createInterface({ input: process.stdin });
  lines.on('line', () => console.log(`  Presenter sign-in:  ${link()}`));
  // Reading the terminal must not keep the console alive once it is asked to stop.
  process.stdin.unref();
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
}

main().catch((err: unknown) => {
  // Configuration mistakes get their one-line explanation, not a stack trace.
  console.error(err instanceof ConfigError ? `Configuration problem: ${err.message}` : err instanceof DatabaseError ? err.message : err);
  process.exit(1);
});
