/** Times every request into order_console_http_request_duration_seconds{route, method, status}. */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import type { ConsoleMetrics } from '../../metrics/console.js';

export function requestMetrics(metrics: Pick<ConsoleMetrics, 'httpDuration'>): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const labels = { route: routeLabel(c), method: c.req.method, status: String(c.res.status) };
      metrics.httpDuration.observe(labels, (performance.now() - started) / 1000);
    }
  };
}

/**
 * The pattern of the route that answered (/orders/:orderId), never the raw path: label values must stay
 * a small fixed set. Requests no route matched share one label.
 */
function routeLabel(c: Context): string {
  const handlers = matchedRoutes(c).filter((r) => r.method !== 'ALL' || r.path !== '/*');
  const answered = handlers.at(-1);
  return c.res.status === 404 && !answered ? 'notFound' : answered?.path ?? 'notFound';
}
