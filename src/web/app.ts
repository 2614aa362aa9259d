/**
 * The console's Hono app, built from its dependencies so tests call app.request() without a listener.
 * Middleware, in order: request metrics; security headers (and no-store unless a route says otherwise);
 * the Host allowlist (421); the Origin check against our own origins (403); the presenter's role and, for
 * anything that changes state, the presenter's session (403); form posts only (415), within the body limit
 * (413), readable (400). Then static assets, the route modules, one notFound (404, or 405 with Allow) and
 * one onError.
 */
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import type { MiddlewareHandler } from 'hono';
import { apiRoutes } from './api/routes.js';
import { createShop } from '../cart/shop.js';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { scenarioLabel } from '../metrics/console.js';
import { createApiKeyService } from './api-key/service.js';
import type { AppDeps, RouteContext } from './deps.js';
import { allowedHosts, sameOrigin } from './middleware/hosts.js';
import { methodsFor } from './middleware/methods.js';
import { requestMetrics } from './middleware/metrics.js';
import { presenterPosts, presenterRole } from './middleware/presenter.js';
import { formPosts, noStoreByDefault, securityHeaders } from './middleware/security.js';
import { createAccess } from './room/access.js';
import { createSessions } from './room/sessions.js';
import { createDurability } from './durability/panel.js';
import { createEffectsReader } from '../effects/panel.js';
import { createOperatorFigures } from './operator/figures.js';
import { fulfilmentRoutes } from '../fulfilment/routes.js';
import { idempotenceRoutes } from '../idempotence/routes.js';
import { followOrder } from './orders/follower.js';
import { createOrderReader } from './orders/reader.js';
import { createViews } from './render.js';
import { renderError, renderPresenterOnly } from './respond.js';
import { apiKeyRoutes } from './routes/api-key.js';
import { durabilityRoutes } from './routes/durability.js';
import { homeRoutes } from './routes/home.js';
import { operatorRoutes } from './routes/operator.js';
import { opsRoutes } from './routes/ops.js';
import { orderCodeRoutes } from './routes/order-code.js';
import { orderCancelRoutes } from './routes/order-cancel.js';
import { orderLiveRoutes } from './routes/order-live.js';
import { ordersRoutes } from './routes/orders.js';
import { preflightRoutes } from './routes/preflight.js';
import { presenterRoutes } from './routes/presenter.js';
import { warehouseRoutes } from './routes/warehouse.js';
import { workerRoutes } from './routes/worker.js';
import { audiencePosts, shopRoutes } from './routes/shop.js';
import { ProgressHub } from './sse/hub.js';

export type { AppDeps, GatewayKeyAdmin, WorkerControl, WorkerKeyControl } from './deps.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAX_FORM_BYTES = 16 * 1024;
/** Static assets are cached briefly: a presenter reloading after a fix still gets the new file soon. */
const ASSET_CACHE = 'public, max-age=300';

/** The pages' form and origin rules; the JSON API (/api/) has its own (src/web/api/access.ts). */
function pagesOnly(middleware: MiddlewareHandler): MiddlewareHandler {
  return (c, next) => (c.req.path.startsWith('/api/') ? next() : middleware(c, next));
}

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
    systems: deps.systems,
    effects: createEffectsReader(deps.systems, logger),
    durability: createDurability(deps.supervisor),
    apiKeys: createApiKeyService({ worker: deps.workerKeys, gateway: deps.gatewayAdmin, logger }),
    operator: createOperatorFigures({ client: deps.client, config, logger, worker: deps.workerKeys, deployment: deps.deployment }),
    newOrderId: deps.newOrderId ?? (() => String(randomInt(100_000, 1_000_000))),
    hub,
    views,
    access: deps.access ?? createAccess(config.web),
    sessions: deps.sessions ?? createSessions({ secret: config.web.sessionSecret, presenterToken: config.web.presenterToken }),
    shop: deps.carts ? createShop({ carts: deps.carts, logger, continueEvery: config.cart.continueEvery }) : undefined,
    fulfilment: deps.fulfilment,
    idempotence: deps.idempotence,
  };

  const app = new Hono();
  app.use('*', requestMetrics(metrics));
  app.use('*', securityHeaders());
  app.use('*', noStoreByDefault);
  app.use('*', allowedHosts(ctx.access));
  app.use('*', pagesOnly(sameOrigin(ctx.access, (c) => renderError(ctx, c, 403, 'Request refused', 'This form must be sent from the console itself.'))));
  app.use('*', presenterRole(ctx.access, ctx.sessions));
  // The one thing the audience may post: an add to the shared room cart (rate-limited by its route).
  app.use('*', pagesOnly(presenterPosts((c) => renderPresenterOnly(ctx, c), audiencePosts(config.cart.roomCustomer))));
  app.use('*', bodyLimit({ maxSize: MAX_FORM_BYTES, onError: (c) => renderError(ctx, c, 413, 'Too large', 'That form was too large.') }));
  app.use('*', pagesOnly(formPosts((c) => renderError(ctx, c, 400, 'That form could not be read', 'The form arrived incomplete or garbled. Go back and send it again.'))));

  const assets = serveStatic({
    root: deps.paths?.public ?? `${ROOT}public`,
    onFound: (_path, c) => c.header('Cache-Control', ASSET_CACHE),
  });
  for (const dir of ['/css/*', '/js/*', '/img/*', '/vendor/*']) app.use(dir, assets);

  app.route('/', apiRoutes(ctx));
  app.route('/', homeRoutes(ctx));
  app.route('/', ordersRoutes(ctx));
  app.route('/', orderLiveRoutes(ctx));
  app.route('/', orderCancelRoutes(ctx));
  app.route('/', fulfilmentRoutes(ctx));
  app.route('/', idempotenceRoutes(ctx));
  app.route('/', orderCodeRoutes(ctx));
  app.route('/', workerRoutes(ctx));
  app.route('/', durabilityRoutes(ctx));
  app.route('/', preflightRoutes(ctx));
  app.route('/', operatorRoutes(ctx));
  app.route('/', warehouseRoutes(ctx));
  app.route('/', apiKeyRoutes(ctx));
  app.route('/', opsRoutes(ctx));
  app.route('/', presenterRoutes(ctx));
  app.route('/', shopRoutes(ctx));

  app.notFound((c) => {
    const allow = methodsFor(app, c.req.path);
    // A route of this method that answered "not found" itself (/durability/format-disk) is a real 404.
    if (allow.length === 0 || allow.includes(c.req.method)) return renderError(ctx, c, 404, 'Not found', 'There is nothing at this address.');
    c.header('Allow', allow.join(', '));
    return renderError(ctx, c, 405, 'Not allowed', `This address answers ${allow.filter((m) => m !== 'HEAD').join(' and ')} only.`);
  });
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
