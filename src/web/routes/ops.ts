/**
 * Operations endpoints: /healthz (alive), /readyz (Temporal reachable), /metrics (Prometheus), and
 * /status, the server banner partial every page polls so the banner appears and clears by itself.
 */
import { Hono } from 'hono';
import type { RouteContext } from '../deps.js';
import { renderPartial } from '../respond.js';

export function opsRoutes(ctx: RouteContext): Hono {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const health = await ctx.client.checkServer(1000);
      if (health.reachable) return c.json({ status: 'ready' });
      return c.json({ status: 'unavailable', reason: health.reason ?? 'Temporal server not reachable' }, 503);
    })
    .get('/metrics', async (c) => {
      c.header('Content-Type', ctx.metrics.contentType);
      c.header('Cache-Control', 'no-store');
      return c.body(await ctx.metrics.exposition());
    })
    .get('/status', async (c) => {
      c.header('Cache-Control', 'no-store');
      // Shared, cached ping: a room full of pages polling this costs one call every couple of seconds.
      return renderPartial(ctx, c, 'server-status', { health: await ctx.client.checkServer() });
    });
}
