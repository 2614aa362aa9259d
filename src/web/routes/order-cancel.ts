/**
 * POST /orders/:orderId/cancel: Temporal's own cancellation of the order's workflow (the workflow undoes
 * what it did and ends Canceled), refused with the reason once the items ship or the order ended
 * (orders/cancel.ts). Asking twice is harmless: Temporal keeps one request. htmx gets the cancel box
 * (200: htmx swaps only 2xx answers); a browser without JavaScript is sent back to the order (303), or
 * gets a page with the real status: 409 too late, 404 no such order, 503 Temporal did not answer.
 */
import { Hono } from 'hono';
import type { RouteContext } from '../deps.js';
import { cancelOrder } from '../orders/actions.js';
import { isHtmx, renderError, renderPartial, temporalProblem } from '../respond.js';
import { orderData, orderToActOn } from './order-page.js';

export function orderCancelRoutes(ctx: RouteContext): Hono {
  return new Hono().post('/orders/:orderId/cancel', async (c) => {
    const orderId = c.req.param('orderId');
    const found = await orderToActOn(ctx, c, orderId, 'The order could not be cancelled');
    if (found instanceof Response) return found;
    let view = found;
    const answer = (ok: boolean, text: string, status: 200 | 409 | 503) => {
      if (isHtmx(c)) return renderPartial(ctx, c, 'cancel-box', { ...orderData(ctx, view), cancelAnswer: { ok, message: text } });
      if (!ok) return renderError(ctx, c, status, 'Not cancelled', text);
      return c.redirect(`/orders/${orderId}`, 303);
    };
    try {
      const outcome = await cancelOrder(ctx, view);
      if (outcome.kind === 'refused') return answer(false, outcome.message, 409);
    } catch (err) {
      ctx.logger.warn('Cancelling an order failed', { orderId, error: err as Error });
      return answer(false, `The order could not be cancelled: ${temporalProblem(err)}`, 503);
    }
    view = { ...view, cancel: { state: 'requested' } };
    return answer(true, 'Cancellation sent to Temporal.', 200);
  });
}
