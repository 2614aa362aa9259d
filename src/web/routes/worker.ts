/**
 * POST /worker/deploy-fix — the RecoverableFailure "deploy the fix" button. The control channel to the
 * worker is optional (WorkerControl); without it the page shows the manual command instead.
 */
import { Hono } from 'hono';
import type { RouteContext } from '../deps.js';
import { isHtmx, renderPage, temporalProblem } from '../respond.js';
import { field, orderIdProblem } from '../validate.js';
import { FIX_COMMAND } from './order-page.js';

const DEPLOYED = 'Fix deployed: the worker now runs the fixed code. Stuck orders replay their history and carry on.';

export function workerRoutes(ctx: RouteContext): Hono {
  return new Hono().post('/worker/deploy-fix', async (c) => {
    const orderId = field(await c.req.parseBody(), 'orderId');
    const back = orderIdProblem(orderId) ? undefined : `/orders/${orderId}`;
    let result: { ok: boolean; message: string };
    if (!ctx.workerControl) {
      result = { ok: false, message: `The console cannot restart the worker here. Restart it yourself: ${FIX_COMMAND}` };
    } else {
      try {
        const message = await ctx.workerControl.deployFix();
        result = { ok: true, message: message || DEPLOYED };
        ctx.logger.info('Fix deployed from the console', { orderId });
      } catch (err) {
        ctx.logger.warn('Deploying the fix failed', { error: err as Error });
        result = { ok: false, message: `Deploying the fix failed: ${temporalProblem(err)}. Restart it yourself: ${FIX_COMMAND}` };
      }
    }
    const status = result.ok ? 200 : ctx.workerControl ? 502 : 501;
    // htmx swaps only 2xx answers by default: the message partial always comes back as 200.
    if (isHtmx(c)) return c.html(ctx.views.partial('deploy-fix-result', result));
    return renderPage(ctx, c, 'deploy-fix', { title: 'Deploy the fix', ...result, back }, status);
  });
}
