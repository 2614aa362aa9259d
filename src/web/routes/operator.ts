/**
 * GET /operator — live figures for the person running the demo: orders by scenario and status, activity
 * retries in the last minute, workers polling each queue. GET /operator/figures is the region the page
 * refreshes every 2 s (the same partial the page includes).
 */
import { Hono } from 'hono';
import type { RouteContext } from '../deps.js';
import { readPanel } from '../durability/panel.js';
import { renderPage } from '../respond.js';

export function operatorRoutes(ctx: RouteContext): Hono {
  return new Hono()
    .get('/operator', async (c) => {
      c.header('Cache-Control', 'no-store');
      const [f, durability] = await Promise.all([ctx.operator.read(), readPanel(ctx.supervisor)]);
      return renderPage(ctx, c, 'operator', { title: 'Operator', nav: 'operator', f, durability });
    })
    .get('/operator/figures', async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.html(ctx.views.partial('operator-figures', { f: await ctx.operator.read() }));
    });
}
