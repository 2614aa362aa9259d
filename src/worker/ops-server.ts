/**
 * The one small HTTP server of a worker process: /healthz and /readyz for anyone (no secret needed, none
 * revealed) and, for the orders worker when a control secret is configured, the control channel behind
 * its shared secret (see control.ts). One port per process keeps the operator's list of ports short.
 */
import { Hono } from 'hono';
import type { Logger } from '../logger.js';
import { jsonFallbacks, serveApp, type LoopbackServer } from '../process/loopback-api.js';
import { createControlApp, type ControlServerOptions } from './control.js';
import { healthRoutes, type ReadinessSources } from './health.js';

export interface OpsServerOptions {
  /** host:port; port 0 picks a free one. */
  address: string;
  health: ReadinessSources;
  /** The control channel; omitted when no secret is configured. */
  control?: Omit<ControlServerOptions, 'address' | 'logger'>;
  logger: Logger;
}

export function createOpsApp({ health, control, logger }: Omit<OpsServerOptions, 'address'>): Hono {
  const app = new Hono();
  jsonFallbacks(app, (err) => logger.error('request failed', { component: 'worker-ops', error: err.message }));
  // Registered first: these answer before the control channel's secret check is ever reached.
  app.route('/', healthRoutes(health));
  if (control) app.route('/', createControlApp({ ...control, logger }));
  return app;
}

export async function startOpsServer(options: OpsServerOptions): Promise<LoopbackServer> {
  const server = await serveApp(createOpsApp(options), options.address);
  options.logger.info(options.control ? 'health endpoints and control channel listening' : 'health endpoints listening', {
    component: 'worker-ops',
    url: server.url,
  });
  return server;
}
