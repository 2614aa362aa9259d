/**
 * The Shop page: a customer's cart, live for the whole room (GET /shop is the shared room cart,
 * /shop/:customerId any other), and its forms. The presenter adds, removes, resets and checks out; the
 * audience may only add to the room cart, a few items per viewer every 10 s (429 beyond, with when to try
 * again). The cart region comes over SSE from one follower per cart (src/cart/live.ts); the forms are
 * outside it, so a change by someone else never resets a field being typed.
 * htmx gets the forms card back with the answer (200: htmx swaps only 2xx); a browser without JavaScript
 * is sent back to the page (303) or gets an error page with the real status.
 */
import { randomBytes } from 'node:crypto';
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { streamSSE } from 'hono/streaming';
import type { SSEStreamingApi } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { CATALOG, MAX_QUANTITY, cartWorkflowId, isCustomerId } from '../../cart/api.js';
import type { CartOutcome } from '../../cart/client.js';
import type { CartMessage } from '../../cart/live.js';
import { ROOM_ADDS, type Shop } from '../../cart/shop.js';
import type { RouteContext } from '../deps.js';
import { serveViewer } from '../sse/viewer.js';
import { isPresenter } from '../middleware/presenter.js';
import { isHtmx, renderError, renderPage, renderPartial, temporalProblem } from '../respond.js';
import { field } from '../validate.js';

/** The audience's one post: an add to the room cart (app.ts lets exactly this through for them). */
export function audiencePosts(roomCustomer: string): ReadonlySet<string> {
  return new Set([`/shop/${roomCustomer}/add`]);
}
/** Identifies an audience member's browser for the rate limit (not a session: it grants nothing). */
const VIEWER_COOKIE = 'viewer';
const ACTIONS = ['add', 'remove', 'reset', 'checkout'] as const;

interface Answer {
  ok: boolean;
  message: string;
  /** After a checkout: the order's page. */
  orderId?: string;
}

export function shopRoutes(ctx: RouteContext): Hono {
  const room = ctx.config.cart.roomCustomer;
  const page = (c: Context, customerId: string) => (isCustomerId(customerId) ? renderShop(ctx, c, customerId) : renderError(ctx, c, 400, 'Not a customer', 'A customer id is 1 to 32 lower-case letters, digits and dashes.'));
  const app = new Hono()
    .get('/shop', (c) => page(c, room))
    .get('/shop/:customerId', (c) => page(c, c.req.param('customerId')))
    .get('/shop/:customerId/events', (c) => {
      const customerId = c.req.param('customerId');
      if (!isCustomerId(customerId)) return c.text('Not a customer id', 400);
      const shop = ctx.shop;
      if (!shop) return c.text('No cart client', 503);
      return streamSSE(c, (stream) => watch(ctx, shop, customerId, stream, isPresenter(c)));
    });
  for (const action of ACTIONS) app.post(`/shop/:customerId/${action}`, async (c) => {
    const customerId = c.req.param('customerId');
    if (!isCustomerId(customerId)) return renderError(ctx, c, 400, 'Not a customer', 'A customer id is 1 to 32 lower-case letters, digits and dashes.');
    const shop = ctx.shop;
    if (!shop) return renderError(ctx, c, 503, 'No cart', 'This console has no connection for carts.');
    const respond = (answer: Answer, status: ContentfulStatusCode) => {
      if (isHtmx(c)) return renderPartial(ctx, c, 'shop-actions', actionsData(ctx, c, customerId, answer));
      if (status >= 400) return renderError(ctx, c, status, answer.ok ? 'Done' : 'Not done', answer.message);
      return c.redirect(customerId === room ? '/shop' : `/shop/${customerId}`, 303);
    };
    if (!isPresenter(c)) {
      const limited = limitAudience(shop, c);
      if (limited) {
        c.header('Retry-After', String(limited));
        return respond({ ok: false, message: `Easy there: ${ROOM_ADDS.perViewer} adds per ${ROOM_ADDS.windowMs / 1000} s each. Try again in ${limited} s.` }, 429);
      }
    }
    const form = await c.req.parseBody();
    const quantityText = field(form, 'quantity');
    const itemId = Number(field(form, 'itemId'));
    const quantity = quantityText === '' ? undefined : Number(quantityText);
    let outcome: CartOutcome<unknown>;
    try {
      if (action === 'add') outcome = await shop.carts.add(customerId, { itemId, quantity: quantity ?? 1 });
      else if (action === 'remove') outcome = await shop.carts.remove(customerId, quantity === undefined ? { itemId } : { itemId, quantity });
      else if (action === 'reset') outcome = await shop.carts.reset(customerId);
      else outcome = await shop.carts.checkout(customerId, { orderId: field(form, 'orderId'), timeScale: ctx.config.web.timeScale });
    } catch (err) {
      ctx.logger.warn('Cart change failed', { customerId, action, error: err as Error });
      return respond({ ok: false, message: `The cart did not answer: ${temporalProblem(err)}` }, 503);
    }
    shop.live.nudge(customerId);
    if (outcome.kind === 'rejected') return respond({ ok: false, message: outcome.message }, 422);
    if (outcome.kind === 'no-cart') return respond({ ok: false, message: 'There is no cart yet: add an item first.' }, 404);
    if (action === 'checkout') {
      const orderId = (outcome.value as { orderId: string }).orderId;
      return respond({ ok: true, message: `Checked out: order ${orderId} started and the cart is empty.`, orderId }, 200);
    }
    return respond({ ok: true, message: ACTION_DONE[action] ?? 'Done.' }, 200);
  });
  return app;
}

const ACTION_DONE: Record<string, string> = { add: 'Added to the cart.', remove: 'Removed from the cart.', reset: 'The cart is empty.' };

/** Seconds to wait when the audience member (or their address) has added enough for now, else 0. */
function limitAudience(shop: Shop, c: Context): number {
  const viewer = getCookie(c, VIEWER_COOKIE) ?? 'no-cookie';
  const byViewer = shop.roomAdds.viewer.hit(viewer);
  if (!byViewer.allowed) return byViewer.retryAfterSeconds;
  const byAddress = shop.roomAdds.address.hit(remoteAddress(c));
  return byAddress.allowed ? 0 : byAddress.retryAfterSeconds;
}

function remoteAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
    return 'unknown';
  }
}

function actionsData(ctx: RouteContext, c: Context, customerId: string, answer?: Answer) {
  return {
    customerId,
    room: customerId === ctx.config.cart.roomCustomer,
    catalog: CATALOG,
    maxQuantity: MAX_QUANTITY,
    // A fresh order id per render: a double click sends it twice, and Temporal runs that checkout once.
    checkoutToken: ctx.newOrderId(),
    limit: ROOM_ADDS,
    answer,
    presenter: isPresenter(c),
  };
}

async function renderShop(ctx: RouteContext, c: Context, customerId: string): Promise<Response> {
  if (!getCookie(c, VIEWER_COOKIE)) {
    setCookie(c, VIEWER_COOKIE, randomBytes(12).toString('base64url'), { httpOnly: true, sameSite: 'Strict', path: '/shop', maxAge: 12 * 3600 });
  }
  let message: CartMessage = { kind: 'none' };
  let problem: string | undefined;
  if (!ctx.shop) problem = 'This console has no connection for carts.';
  else {
    try {
      message = await ctx.shop.live.current(customerId);
    } catch (err) {
      problem = `The cart did not answer: ${temporalProblem(err)}`;
    }
  }
  return renderPage(ctx, c, 'shop', {
    title: customerId === ctx.config.cart.roomCustomer ? 'Shop: the room cart' : `Shop: ${customerId}'s cart`,
    nav: 'shop',
    namespace: ctx.client.namespace,
    workflowId: cartWorkflowId(customerId),
    continueEvery: ctx.shop?.continueEvery,
    message,
    problem,
    ...actionsData(ctx, c, customerId),
  });
}

/** One browser watching one cart until it leaves; only a changed region is sent. */
async function watch(ctx: RouteContext, shop: Shop, customerId: string, stream: SSEStreamingApi, presenter: boolean): Promise<void> {
  let last = '';
  const send = async (message: CartMessage) => {
    const html = ctx.views.partial('cart', { message, customerId, presenter });
    if (html === last) return;
    last = html;
    await stream.writeSSE({ event: 'cart', data: html });
  };
  await serveViewer({
    stream,
    viewers: ctx.metrics.sseViewers,
    hello: () => stream.writeSSE({ event: 'hello', data: customerId, retry: 1000 }),
    subscribe: (listener) => shop.live.subscribe(customerId, listener),
    send,
  });
}
