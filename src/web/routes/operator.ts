/**
 * GET /operator — live figures for the person running the demo: orders by scenario and status, activity
 * retries in the last minute, workers polling each queue. GET /operator/figures is the region the page
 * refreshes every 2 s (the same partial the page includes).
 * POST /operator/ramp (form: percentage, 0 stops the ramp) ramps the fix (version 2) of the orders' Worker
 * Deployment; htmx gets the figures region with a message line, a plain form a 303 back or an error page.
 */
import { Hono, type Context } from 'hono';
import { RampRefused } from '../../temporal/deployments.js';
import type { RouteContext } from '../deps.js';
import { formOnly } from '../middleware/security.js';
import { isHtmx, renderPage, renderPartial, temporalProblem } from '../respond.js';
import { field } from '../validate.js';

/** The ramps the page offers. */
const RAMPS = new Set([0, 50]);

export function operatorRoutes(ctx: RouteContext): Hono {
  return new Hono()
    .get('/operator', async (c) => {
      c.header('Cache-Control', 'no-store');
      const [f, durability] = await Promise.all([ctx.operator.read(), ctx.durability.read()]);
      return renderPage(ctx, c, 'operator', { title: 'Operator', nav: 'operator', f, durability });
    })
    .get('/operator/figures', async (c) => {
      c.header('Cache-Control', 'no-store');
      return renderPartial(ctx, c, 'operator-figures', { f: await ctx.operator.read() });
    })
    .post('/operator/ramp', formOnly, async (c) => {
      const percentage = Number(field(await c.req.parseBody(), 'percentage') ?? '');
      if (!RAMPS.has(percentage)) return answer(ctx, c, 422, 'Choose a ramp of 50 % or 0 % (stop the ramp).');
      if (!ctx.deploymentRamp) return answer(ctx, c, 501, 'Worker Versioning is off (ORDER_DEMO_VERSIONING=false): there are no versions to ramp.');
      try {
        const change = await ctx.deploymentRamp.ramp(percentage);
        if (change.changed) ctx.operator.invalidate();
        ctx.logger.info('Ramp set from the console', { percentage, buildId: change.rampingBuildId, changed: change.changed });
        const message = change.rampingBuildId
          ? `${change.changed ? 'Ramping' : 'Already ramping'} the fix (${change.rampingBuildId}) to ${change.percentage} % of new orders; the rest start on the current version.`
          : change.changed ? 'Ramp stopped: every new order starts on the current version.' : 'No ramp was in force.';
        return answer(ctx, c, 200, message);
      } catch (err) {
        if (err instanceof RampRefused) return answer(ctx, c, err.reason === 'unavailable' ? 501 : 409, err.message);
        ctx.logger.warn('Ramp failed', { percentage, error: (err as Error).message });
        return answer(ctx, c, 502, `Temporal did not set the ramp: ${temporalProblem(err)}`);
      }
    });
}

/** htmx swaps 2xx answers only: the figures region, with the message, comes back as 200 (the status in a data attribute). */
async function answer(ctx: RouteContext, c: Context, status: 200 | 409 | 422 | 501 | 502, message: string): Promise<Response> {
  if (isHtmx(c)) {
    c.header('Cache-Control', 'no-store');
    return renderPartial(ctx, c, 'operator-figures', { f: await ctx.operator.read(), rampMessage: { ok: status === 200, status, text: message } });
  }
  if (status === 200) return c.redirect('/operator', 303);
  return renderPage(ctx, c, 'error', { title: 'Not done', status, message }, status);
}
