/**
 * The durability controls (see durability/panel.ts).
 *   GET  /durability                  the panel alone (it refreshes itself every second)
 *   POST /durability/kill-worker      SIGKILL of the orders worker, by the supervisor
 *   POST /durability/start-worker     start it again
 *   POST /durability/restart-temporal restart the Temporal server on its state
 * Posts answer htmx with the panel; without JavaScript, a 303 back to where the form was (or a page).
 */
import { Hono } from 'hono';
import type { RouteContext } from '../deps.js';
import { isDurabilityAction } from '../durability/panel.js';
import { formOnly } from '../middleware/security.js';
import { isHtmx, renderPage, renderPartial } from '../respond.js';
import { field, orderIdProblem } from '../validate.js';

export function durabilityRoutes(ctx: RouteContext): Hono {
  return new Hono()
    .get('/durability', async (c) => {
      c.header('Cache-Control', 'no-store');
      return renderPartial(ctx, c, 'durability-live', { panel: await ctx.durability.read(), orderId: orderOf(c.req.query('orderId')) });
    })
    .post('/durability/:action', formOnly, async (c) => {
      const action = c.req.param('action');
      if (!isDurabilityAction(action)) return c.notFound();
      const orderId = orderOf(field(await c.req.parseBody(), 'orderId'));
      const panel = await ctx.durability.run(action);
      if (panel.result?.ok) ctx.logger.info('Durability control used from the console', { action, orderId });
      const status = panel.result?.ok ? 200 : ctx.supervisor ? 502 : 501;
      // htmx swaps 2xx answers only: the panel, with its result line, comes back as 200.
      if (isHtmx(c)) return renderPartial(ctx, c, 'durability', { panel, orderId });
      if (panel.result?.ok) return c.redirect(orderId ? `/orders/${orderId}` : '/operator', 303);
      return renderPage(ctx, c, 'error', { title: 'Not done', status, message: panel.result?.message ?? panel.reason ?? '' }, status);
    });
}

function orderOf(value: string | undefined): string | undefined {
  return value && !orderIdProblem(value) ? value : undefined;
}
