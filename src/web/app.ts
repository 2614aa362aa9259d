/**
 * The console's Hono app, built from its dependencies so tests call app.request() without a listener.
 * Middleware: request metrics, security headers, CSRF (origin check), body limit; then static assets,
 * the route modules, one notFound and one onError.
 */
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { scenarioLabel } from '../metrics/console.js';
import { createApiKeyService } from './api-key/service.js';
import type { AppDeps, RouteContext } from './deps.js';
import { requestMetrics } from './middleware/metrics.js';
import { securityHeaders } from './middleware/security.js';
import { createDurability } from './durability/panel.js';
import { createOperatorFigures } from './operator/figures.js';
import { followOrder } from './orders/follower.js';
import { createOrderReader } from './orders/reader.js';
import { createViews } from './render.js';
import { renderError } from './respond.js';
import { apiKeyRoutes } from './routes/api-key.js';
import { durabilityRoutes } from './routes/durability.js';
import { homeRoutes } from './routes/home.js';
import { operatorRoutes } from './routes/operator.js';
import { opsRoutes } from './routes/ops.js';
import { orderCodeRoutes } from './routes/order-code.js';
import { orderLiveRoutes } from './routes/order-live.js';
import { ordersRoutes } from './routes/orders.js';
import { preflightRoutes } from './routes/preflight.js';
import { workerRoutes } from './routes/worker.js';
import { ProgressHub } from './sse/hub.js';

export type { AppDeps, GatewayKeyAdmin, WorkerControl, WorkerKeyControl } from './deps.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAX_FORM_BYTES = 16 * 1024;
/** Static assets are cached briefly: a presenter reloading after a fix still gets the new file soon. */
const ASSET_CACHE = 'public, max-age=300';

export function createApp(deps: AppDeps): Hono {
  const { config, logger, metrics } = deps;
  const views = createViews(deps.paths?.views ?? `${ROOT}views`, config.temporal.uiUrl);
  const reader = createOrderReader({ client: deps.client, nexusNamespace: config.nexus.handler.namespace, logger });
  const follower = { client: deps.client, logger, view: { namespace: deps.client.namespace, nexusNamespace: config.nexus.handler.namespace }, recheckMs: deps.recheckMs ?? 1000 };
  const hub = new ProgressHub({
    follow: (orderId, publish, signal) => followOrder(orderId, follower, publish, signal),
    reader,
    logger,
    onFinished: (view) => {
      const outcome = view.phase === 'continued_as_new' || view.phase === 'running' ? undefined : view.phase;
      if (outcome) metrics.ordersFinished.inc({ scenario: scenarioLabel(view.scenario), outcome });
    },
  });
  const ctx: RouteContext = {
    client: deps.client,
    config,
    logger,
    metrics,
    workerControl: deps.workerControl,
    deployment: deps.deployment,
    deploymentRamp: deps.deploymentRamp,
    supervisor: deps.supervisor,
    durability: createDurability(deps.supervisor),
    apiKeys: createApiKeyService({ worker: deps.workerKeys, gateway: deps.gatewayAdmin, logger }),
    operator: createOperatorFigures({ client: deps.client, config, logger, worker: deps.workerKeys, deployment: deps.deployment }),
    newOrderId: deps.newOrderId ?? (() => String(randomInt(100_000, 1_000_000))),
    hub,
    views,
  };

  const app = new Hono();
  app.use('*', requestMetrics(metrics));
  app.use('*', securityHeaders());
  app.use('*', csrf());
  app.use('*', bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => renderError(ctx, c, 413, 'Too large', 'That form was too large.') }));

  const assets = serveStatic({
    root: deps.paths?.public ?? `${ROOT}public`,
    onFound: (_path, c) => c.header('Cache-Control', ASSET_CACHE),
  });
  for (const dir of ['/css/*', '/js/*', '/img/*', '/vendor/*']) app.use(dir, assets);

  app.route('/', homeRoutes(ctx));
  app.route('/', ordersRoutes(ctx));
  app.route('/', orderLiveRoutes(ctx));
  app.route('/', orderCodeRoutes(ctx));
  app.route('/', workerRoutes(ctx));
  app.route('/', durabilityRoutes(ctx));
  app.route('/', preflightRoutes(ctx));
  app.route('/', operatorRoutes(ctx));
  app.route('/', apiKeyRoutes(ctx));
  app.route('/', opsRoutes(ctx));

  app.notFound((c) => renderError(ctx, c, 404, 'Not found', 'There is nothing at this address.'));
  app.onError((err, c) => {
    if (err instanceof HTTPException && err.status < 500) {
      // Expected refusals (CSRF origin check, malformed body): a friendly page with the right status.
      return renderError(ctx, c, err.status as 400, 'Request refused', err.status === 403 ? 'This form must be sent from the console itself.' : err.message || 'Bad request.');
    }
    logger.error('Request failed', { method: c.req.method, path: c.req.path, error: err, stack: err.stack });
    return renderError(ctx, c, 500, 'Something went wrong', 'The console hit an unexpected error; it has been logged. Try again.');
  });
  return app;
}
