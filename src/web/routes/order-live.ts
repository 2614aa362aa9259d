/**
 * The live half of an order page: GET /orders/:orderId/events streams the two page regions over SSE
 * (from the shared progress hub), rendered for the viewer's role (the audience's has no form), and
 * POST /orders/:orderId/address is the human in the loop.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { SSEStreamingApi } from 'hono/streaming';
import type { RouteContext } from '../deps.js';
import type { HubMessage } from '../sse/hub.js';
import { serveViewer } from '../sse/viewer.js';
import { isPresenter } from '../middleware/presenter.js';
import { changeAddress } from '../orders/actions.js';
import { isHtmx, renderPartial, temporalProblem } from '../respond.js';
import { field, orderIdProblem } from '../validate.js';
import { orderData, orderToActOn, regionDigest, renderEffects, renderLiveRegions, renderOrderPage } from './order-page.js';
import type { AddressFormState } from './order-page.js';

/** Browsers wait this long before reconnecting a dropped stream. */
const RECONNECT_MS = 1000;

export function orderLiveRoutes(ctx: RouteContext): Hono {
  return new Hono()
    .get('/orders/:orderId/events', (c) => {
      const orderId = c.req.param('orderId');
      if (orderIdProblem(orderId)) return c.text('Not an order id', 400);
      // A browser that reconnects says what it shows (the id of the last event it got); a first connect,
      // what the page was rendered with.
      const shown = c.req.header('last-event-id') ?? c.req.query('seen');
      return streamSSE(c, (stream) => watch(ctx, orderId, stream, isPresenter(c), shown));
    })
    .post('/orders/:orderId/address', async (c) => {
      const orderId = c.req.param('orderId');
      const view = await orderToActOn(ctx, c, orderId, 'The address could not be sent');
      if (view instanceof Response) return view;
      const value = field(await c.req.parseBody(), 'address');
      // `retry`: the worker is not taking address changes yet; the value stays in the field to send again.
      const respond = async (state: AddressFormState & { answer?: string; retry?: string }) => {
        if (isHtmx(c)) {
          return renderPartial(ctx, c, 'address-form', { ...orderData(ctx, view, state), answer: state.answer, retry: state.retry });
        }
        // Without JavaScript: a full page on error, else back to the (live) order page.
        if (state.retry) return renderOrderPage(ctx, c, view, { value: state.value, error: state.retry }, 409);
        return state.error ? renderOrderPage(ctx, c, view, state, 422) : c.redirect(`/orders/${orderId}`, 303);
      };
      try {
        const outcome = await changeAddress(ctx, view, value);
        switch (outcome.kind) {
          case 'sent':
            return respond({ value, answer: outcome.message });
          case 'not-open-yet':
            return respond({ value, retry: outcome.message });
          // A rejection is the workflow's validator speaking: its words next to the field, said to be its.
          case 'rejected':
            return respond({ value, error: outcome.message, rejectedBy: 'validator' });
          default:
            return respond({ value, error: outcome.message });
        }
      } catch (err) {
        ctx.logger.warn('Address change failed', { orderId, error: err as Error });
        return respond({ value, error: `The address could not be sent: ${temporalProblem(err)}` });
      }
    });
}

/**
 * One browser watching one order, until the order ends or the browser leaves. `shown`: the digests of the
 * regions the browser shows ("<progress>.<panel>.<effects>", see renderOrderPage), which are not sent again. Every
 * event's id is the digests the browser shows once it has applied the event, so a reconnect (whose
 * Last-Event-ID the browser fills in) resumes exactly: a region that changed, even back and forth, while
 * the browser was away is sent; one that did not is not.
 */
async function watch(ctx: RouteContext, orderId: string, stream: SSEStreamingApi, presenter: boolean, shown = ''): Promise<void> {
  const [progress = '', panel = '', effects = ''] = shown.split('.');
  const sent = { progress, panel, effects };
  const id = () => `${sent.progress}.${sent.panel}.${sent.effects}`;
  /** The newest view whose effects were asked for: an older read that answers later is not shown. */
  let effectsAsked = 0;
  const send = async (message: HubMessage, finish: () => void, later: (write: () => Promise<unknown>) => void): Promise<void> => {
    if (message.kind === 'not-found') {
      sent.panel = 'missing';
      await stream.writeSSE({ event: 'panel', data: ctx.views.partial('order-missing', { orderId, presenter }), id: id() });
      await stream.writeSSE({ event: 'done', data: 'not-found' });
      return finish();
    }
    // Only regions that changed are sent: a form being typed into is not replaced by an identical copy.
    const sendRegion = async (region: keyof typeof sent, html: string): Promise<void> => {
      const digest = regionDigest(html);
      if (digest === sent[region]) return;
      sent[region] = digest;
      await stream.writeSSE({ event: region, data: html, id: id() });
    };
    const regions = renderLiveRegions(ctx, message.view, presenter);
    await sendRegion('progress', regions.progress);
    await sendRegion('panel', regions.panel);
    // Every effect happens inside an activity, whose start, retry or end is a new view: the effects are read
    // again then, from the database, off the stream's queue, so that a busy database holds back neither this
    // progress nor the next; what the read finds is written when it answers, unless a newer view asked since.
    const asked = ++effectsAsked;
    const effects = ctx.effects.panel(message.view);
    if (message.view.terminal) {
      await sendRegion('effects', renderEffects(ctx, await effects));
      await stream.writeSSE({ event: 'done', data: message.view.phase });
      return finish();
    }
    void effects.then((panel) => {
      if (asked === effectsAsked) later(() => sendRegion('effects', renderEffects(ctx, panel)));
    });
  };
  await serveViewer({
    stream,
    viewers: ctx.metrics.sseViewers,
    hello: () => stream.writeSSE({ event: 'hello', data: orderId, id: id(), retry: RECONNECT_MS }),
    subscribe: (listener) => ctx.hub.subscribe(orderId, listener),
    send,
  });
}
