/**
 * Fulfilment with couriers, the pages' side:
 *   POST /fulfilment/orders                               place one (the home page's extension card), 303 to it
 *   GET  /courier, /courier/events                        the courier board, live over SSE (./board.ts)
 *   POST /orders/:orderId/shipments/:itemId/dispatch      a courier takes a shipment
 *   POST /orders/:orderId/shipments/:itemId/deliver       ... and delivers it
 *   POST /orders/:orderId/amend, /orders/:orderId/confirm the customer, on the order page
 * Posts are the presenter's (the app's guard); htmx gets a partial (200: htmx swaps only 2xx), a browser
 * without JavaScript a redirect or a page with the real status: 400 bad input, 404, 409 the workflow's
 * refusal, 422 a form to fix, 503 Temporal did not answer.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { DEFAULT_ADDRESS } from '../temporal/contract.js';
import type { RouteContext } from '../web/deps.js';
import { serveViewer } from '../web/sse/viewer.js';
import { isPresenter } from '../web/middleware/presenter.js';
import type { OrderView } from '../web/orders/view.js';
import { isHtmx, renderError, renderPage, renderPartial, temporalProblem } from '../web/respond.js';
import { renderHome } from '../web/routes/home.js';
import { orderData, orderToActOn, regionDigest } from '../web/routes/order-page.js';
import { addressProblem, field, orderIdProblem, slowdownOf } from '../web/validate.js';
import { MAX_QUANTITY, MIN_QUANTITY, SHIPMENT_WORDS, type Amendment, type QuantityChange } from './api.js';
import { CourierBoard, type BoardSnapshot } from './board.js';
import type { FulfilmentClient, UpdateAnswer } from './client.js';

export const NOT_FULFILMENT = 'This order has no couriers: only a Fulfilment with couriers order does.';
export const NO_CLIENT = 'This console was started without its fulfilment client.';
const ITEM_ID = /^[0-9]{1,9}$/;

export function fulfilmentRoutes(ctx: RouteContext): Hono {
  const fulfilment = ctx.fulfilment;
  const board = new CourierBoard({ hub: ctx.hub, listRunning: () => fulfilment?.listRunning() ?? Promise.resolve([]), logger: ctx.logger });
  const boardData = (snapshot: BoardSnapshot, presenter: boolean) => ({ board: snapshot, words: SHIPMENT_WORDS, presenter });
  const app = new Hono();

  app.post('/fulfilment/orders', async (c) => {
    const body = await c.req.parseBody();
    const form = { orderId: field(body, 'orderId').trim(), address: field(body, 'address'), pace: field(body, 'pace'), errors: {} };
    const slowdown = slowdownOf(form.pace);
    const errors = { orderId: orderIdProblem(form.orderId), address: addressProblem(form.address), pace: slowdown ? undefined : 'Pick one of the paces offered.' };
    if (errors.orderId || errors.address || errors.pace || !slowdown) return renderHome(ctx, c, { ...form, pace: '1', errors }, 422);
    if (!fulfilment) return renderHome(ctx, c, { ...form, errors: { form: NO_CLIENT } }, 503);
    try {
      const { started } = await fulfilment.start({ orderId: form.orderId, address: form.address, slowdown });
      if (started) ctx.logger.info('Fulfilment order placed', { orderId: form.orderId });
    } catch (err) {
      ctx.logger.warn('Could not start fulfilment order', { orderId: form.orderId, error: err as Error });
      return renderHome(ctx, c, { ...form, errors: { form: `The order was not placed: ${temporalProblem(err)}` } }, 503);
    }
    board.track(form.orderId);
    return c.redirect(`/orders/${form.orderId}`, 303);
  });

  app.get('/courier', async (c) => {
    let snapshot: BoardSnapshot;
    try {
      snapshot = await board.read();
    } catch (err) {
      snapshot = { orders: [], problem: `Temporal did not answer: ${temporalProblem(err)}` };
    }
    // The presenter can place the next order from here: a fresh order id, the default address, demo pace.
    const place = { orderId: ctx.newOrderId(), address: DEFAULT_ADDRESS };
    return renderPage(ctx, c, 'courier', { title: 'Courier', nav: 'courier', place, ...boardData(snapshot, isPresenter(c)) }, snapshot.problem ? 503 : 200);
  });

  app.get('/courier/events', (c) => {
    const presenter = isPresenter(c);
    return streamSSE(c, async (stream) => {
      let sent = c.req.query('seen') ?? '';
      await serveViewer<BoardSnapshot>({
        stream,
        viewers: ctx.metrics.sseViewers,
        subscribe: (listener) => board.subscribe(listener),
        send: async (snapshot) => {
          const html = ctx.views.partial('courier-board', boardData(snapshot, presenter));
          const digest = regionDigest(html);
          if (digest === sent) return;
          sent = digest;
          await stream.writeSSE({ event: 'board', data: html, id: digest });
        },
      });
    });
  });

  for (const action of ['dispatch', 'deliver'] as const) {
    app.post(`/orders/:orderId/shipments/:itemId/${action}`, async (c) => {
      const itemId = c.req.param('itemId');
      const answer = (ok: boolean, message: string, status: 200 | 400 | 409 | 503) => {
        if (isHtmx(c)) return renderPartial(ctx, c, 'courier-answer', { ok, message });
        return ok ? c.redirect('/courier', 303) : renderError(ctx, c, status, ok ? 'Done' : 'Not done', message);
      };
      if (!ITEM_ID.test(itemId)) return answer(false, 'An item id is a number, such as 654321.', 400);
      const view = await fulfilmentOrder(ctx, c, fulfilment, c.req.param('orderId'), `The shipment could not be ${action === 'dispatch' ? 'dispatched' : 'delivered'}`);
      if (view instanceof Response) return view;
      const item = view.fulfilment?.shipments.find((s) => s.item.id === Number(itemId))?.item;
      try {
        const outcome = await fulfilment![action](view.orderId, Number(itemId));
        const what = item ? `${item.description} ×${item.quantity} of order ${view.orderId}` : `Item ${itemId} of order ${view.orderId}`;
        return outcome.accepted
          ? answer(true, `${action === 'dispatch' ? 'Dispatched' : 'Delivered'}: ${what}.`, 200)
          : answer(false, outcome.message, 409);
      } catch (err) {
        ctx.logger.warn('Courier action failed', { orderId: view.orderId, itemId, action, error: err as Error });
        return answer(false, `Not sent: ${temporalProblem(err)}`, 503);
      }
    });
  }

  app.post('/orders/:orderId/amend', async (c) => {
    const view = await fulfilmentOrder(ctx, c, fulfilment, c.req.param('orderId'), 'The order could not be amended');
    if (view instanceof Response) return view;
    const body = await c.req.parseBody();
    const { changes, values, errors } = quantitiesOf(view, body);
    if (Object.keys(errors).length > 0) return customer(ctx, c, view, { values, errors }, 422);
    try {
      const outcome = await fulfilment!.amend(view.orderId, changes);
      return customer(ctx, c, view, { values, answer: outcome }, outcome.accepted ? 200 : 409);
    } catch (err) {
      return customer(ctx, c, view, { values, answer: { accepted: false, message: `Not sent: ${temporalProblem(err)}` } }, 503);
    }
  });

  app.post('/orders/:orderId/confirm', async (c) => {
    const view = await fulfilmentOrder(ctx, c, fulfilment, c.req.param('orderId'), 'The amendment could not be confirmed');
    if (view instanceof Response) return view;
    try {
      const outcome = await fulfilment!.confirm(view.orderId);
      return customer(ctx, c, view, { answer: outcome }, outcome.accepted ? 200 : 409);
    } catch (err) {
      return customer(ctx, c, view, { answer: { accepted: false, message: `Not sent: ${temporalProblem(err)}` } }, 503);
    }
  });

  return app;
}

/** The amend form after a post: what was typed, the error next to each field, the workflow's answer. */
export interface AmendFormState {
  values?: Record<string, string>;
  errors?: Record<string, string>;
  answer?: UpdateAnswer;
}

/** The fulfilment order a post acts on, or the page to answer with instead. */
async function fulfilmentOrder(
  ctx: RouteContext, c: Context, fulfilment: FulfilmentClient | undefined, orderId: string, failed: string,
): Promise<OrderView | Response> {
  const view = await orderToActOn(ctx, c, orderId, failed);
  if (view instanceof Response) return view;
  if (!view.fulfilment) return renderError(ctx, c, 409, 'No couriers here', NOT_FULFILMENT);
  if (!fulfilment) return renderError(ctx, c, 503, 'Not available', NO_CLIENT);
  return view;
}

/** The order's fulfilment box with the form's state (htmx), or back to the order / a page with the status. */
function customer(ctx: RouteContext, c: Context, view: OrderView, form: AmendFormState, status: 200 | 409 | 422 | 503): Response {
  if (isHtmx(c)) return renderPartial(ctx, c, 'fulfilment-box', { ...orderData(ctx, withAnswer(view, form.answer)), amendForm: form });
  if (status === 200) return c.redirect(`/orders/${view.orderId}`, 303);
  const message = form.answer?.message ?? Object.values(form.errors ?? {}).join(' ');
  return renderError(ctx, c, status, status === 422 ? 'Check the quantities' : 'Not done', message);
}

/**
 * The view as the workflow's answer leaves it: the box swapped in after an accepted amend or confirm shows
 * the new amendment at once, not the state from before it (the live panel follows a moment later anyway).
 */
function withAnswer(view: OrderView, answer: UpdateAnswer | undefined): OrderView {
  const f = view.fulfilment;
  if (!f || !answer?.accepted || !isAmendment(answer.result)) return view;
  const amendment = answer.result;
  const confirmed = amendment.state === 'confirmed';
  const shipments = f.shipments.map((s) => {
    const change = confirmed ? amendment.changes.find((ch) => ch.id === s.item.id) : undefined;
    return change ? { ...s, item: { ...s.item, quantity: change.quantity } } : s;
  });
  return { ...view, fulfilment: { ...f, amendment, shipments } };
}

function isAmendment(value: unknown): value is Amendment {
  return typeof value === 'object' && value !== null && Array.isArray((value as Amendment).changes) && typeof (value as Amendment).state === 'string';
}

/** `qty-<itemId>` fields: a whole number 1–99 each; only the ones that differ from the order are sent. */
export function quantitiesOf(view: OrderView, body: Record<string, unknown>) {
  const values: Record<string, string> = {};
  const errors: Record<string, string> = {};
  const changes: QuantityChange[] = [];
  for (const { item } of view.fulfilment?.shipments ?? []) {
    const name = `qty-${item.id}`;
    const raw = field(body, name).trim();
    values[name] = raw;
    if (raw === '') continue;
    const quantity = Number(raw);
    if (!/^[0-9]+$/.test(raw) || quantity < MIN_QUANTITY || quantity > MAX_QUANTITY) {
      errors[name] = `A whole number from ${MIN_QUANTITY} to ${MAX_QUANTITY}.`;
      continue;
    }
    if (quantity !== item.quantity) changes.push({ id: item.id, quantity });
  }
  if (Object.keys(errors).length === 0 && changes.length === 0) errors.form = 'Change at least one quantity.';
  return { changes, values, errors };
}
