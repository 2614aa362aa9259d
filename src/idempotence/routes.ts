/**
 * Idempotence across a crash, the pages' side:
 *   POST /idempotence/orders   place one (the home page's extension card), 303 to its page
 * The post is the presenter's (the app's guard). A form to fix comes back on the home page (422); a
 * Temporal that does not answer, 503.
 */
import { Hono } from 'hono';
import type { RouteContext } from '../web/deps.js';
import { temporalProblem } from '../web/respond.js';
import { renderHome } from '../web/routes/home.js';
import { addressProblem, field, orderIdProblem, slowdownOf } from '../web/validate.js';

export const NO_IDEMPOTENCE_CLIENT = 'This console was started without its idempotence client.';

export function idempotenceRoutes(ctx: RouteContext): Hono {
  return new Hono().post('/idempotence/orders', async (c) => {
    const body = await c.req.parseBody();
    const form = { orderId: field(body, 'orderId').trim(), address: field(body, 'address'), pace: field(body, 'pace'), errors: {} };
    const slowdown = slowdownOf(form.pace);
    const errors = { orderId: orderIdProblem(form.orderId), address: addressProblem(form.address), pace: slowdown ? undefined : 'Pick one of the paces offered.' };
    if (errors.orderId || errors.address || errors.pace || !slowdown) return renderHome(ctx, c, { ...form, pace: '1', errors }, 422);
    if (!ctx.idempotence) return renderHome(ctx, c, { ...form, errors: { form: NO_IDEMPOTENCE_CLIENT } }, 503);
    try {
      const { started } = await ctx.idempotence.start({ orderId: form.orderId, address: form.address, slowdown });
      if (started) ctx.logger.info('Idempotence order placed', { orderId: form.orderId });
    } catch (err) {
      ctx.logger.warn('Could not start idempotence order', { orderId: form.orderId, error: err as Error });
      return renderHome(ctx, c, { ...form, errors: { form: `The order was not placed: ${temporalProblem(err)}` } }, 503);
    }
    return c.redirect(`/orders/${form.orderId}`, 303);
  });
}
