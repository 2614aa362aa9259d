/**
 * The JSON API beside the pages, for scripts and other tools (README: "JSON API"):
 *   POST /api/orders                      place an order (idempotent on its order id)
 *   GET  /api/orders/{orderId}            its status, progress, step, result or failure
 *   POST /api/orders/{orderId}/cancel     Temporal's cancellation, refused once it ships
 *   POST /api/orders/{orderId}/address    a new address for an order waiting for one
 *   /api/carts/{customerId}/...           the shop's carts (./cart.ts)
 *   ... and the fulfilment (courier) operations of ./courier.ts, the idempotence order of ./idempotence.ts
 *   GET  /api/openapi.json                the OpenAPI document, generated from ./schemas.ts
 * The same actions as the pages (../orders/actions.ts), the same access rules (./access.ts). Every
 * refusal is a JSON Problem with the right status; a body that fails its schema gets 400 with a
 * message per field.
 */
import { randomInt } from 'node:crypto';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { DEFAULT_ADDRESS, orderWorkflowId } from '../../temporal/contract.js';
import type { RouteContext } from '../deps.js';
import { cancelOrder, changeAddress, placeOrder } from '../orders/actions.js';
import type { OrderView } from '../orders/view.js';
import { temporalProblem } from '../respond.js';
import type { HubMessage } from '../sse/hub.js';
import { temporalUiLinks } from '../temporal-ui.js';
import { apiAccess } from './access.js';
import { cartApi } from './cart.js';
import { courierApi } from './courier.js';
import { idempotenceApi } from './idempotence.js';
import { AddressAnswer, AddressBody, CancelAnswer, Order, OrderIdParam, PlaceOrderBody, PlacedOrder, Problem } from './schemas.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const problem = (description: string) => json(Problem, description);
const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

const place = createRoute({
  method: 'post', path: '/api/orders', summary: 'Place an order', request: body(PlaceOrderBody),
  responses: { 201: json(PlacedOrder, 'Started'), 200: json(PlacedOrder, 'An order with this id already existed: that one'), 400: problem('The body does not fit the schema'), 503: problem('Temporal did not answer') },
});
const read = createRoute({
  method: 'get', path: '/api/orders/{orderId}', summary: 'An order as it is now', request: { params: OrderIdParam },
  responses: { 200: json(Order, 'The order'), 400: problem('Not an order id'), 404: problem('No such order'), 503: problem('Temporal did not answer') },
});
const cancel = createRoute({
  method: 'post', path: '/api/orders/{orderId}/cancel', summary: 'Cancel an order before it ships', request: { params: OrderIdParam },
  responses: { 202: json(CancelAnswer, 'Cancellation requested: the workflow undoes what it did'), 400: problem('Not an order id'), 404: problem('No such order'), 409: problem('Too late: shipping started, or the order ended'), 503: problem('Temporal did not answer') },
});
const address = createRoute({
  method: 'post', path: '/api/orders/{orderId}/address', summary: 'Send a new address to an order waiting for one', request: { params: OrderIdParam, ...body(AddressBody) },
  responses: {
    200: json(AddressAnswer, 'Taken (signal sent, or the update accepted)'), 400: problem('Not an order id or not an address'), 404: problem('No such order'),
    409: problem('The order is not waiting for an address, or not yet'), 422: problem('The workflow\'s validator refused it'), 503: problem('Temporal did not answer'),
  },
});

export function apiRoutes(ctx: RouteContext): OpenAPIHono {
  const ui = temporalUiLinks(ctx.config.temporal.uiUrl);
  const links = (orderId: string, runId?: string) => ({
    page: `/orders/${orderId}`,
    events: `/orders/${orderId}/events`,
    temporalUi: ui.workflow(ctx.client.namespace, orderWorkflowId(orderId), runId) ?? null,
  });
  const api = new OpenAPIHono({
    // A body or path that fails its schema: 400 with why, per field.
    defaultHook: (result, c) => {
      if (result.success) return;
      const fields = Object.fromEntries(result.error.issues.map((i) => [i.path.join('.') || '(body)', i.message]));
      return c.json({ error: 'The request does not fit the API (see fields).', fields }, 400);
    },
  });
  api.use('/api/*', apiAccess(ctx.access, ctx.config.web.presenterToken));

  /** The order, or the answer to send instead. */
  async function current(c: Context, orderId: string): Promise<OrderView | Response> {
    let message: HubMessage;
    try {
      message = await ctx.hub.current(orderId);
    } catch (err) {
      return c.json({ error: `Temporal did not answer: ${temporalProblem(err)}` }, 503);
    }
    return message.kind === 'not-found' ? c.json({ error: `There is no order ${orderId}.` }, 404) : message.view;
  }

  api.openapi(place, async (c) => {
    const input = c.req.valid('json');
    const orderId = input.orderId ?? String(randomInt(100_000, 1_000_000));
    try {
      const { started } = await placeOrder(ctx, { scenario: input.scenario, orderId, address: input.address ?? DEFAULT_ADDRESS, slowdown: input.pace ?? 1 });
      return c.json({ orderId, workflowId: orderWorkflowId(orderId), started, links: links(orderId) }, started ? 201 : 200);
    } catch (err) {
      ctx.logger.warn('Could not start order', { orderId, scenario: input.scenario, error: err as Error });
      return c.json({ error: `The order was not placed: ${temporalProblem(err)}` }, 503);
    }
  });

  api.openapi(read, async (c) => {
    const view = await current(c, c.req.valid('param').orderId);
    if (view instanceof Response) return view as never;
    return c.json(orderJson(view, links(view.orderId, view.runId)), 200);
  });

  api.openapi(cancel, async (c) => {
    const view = await current(c, c.req.valid('param').orderId);
    if (view instanceof Response) return view as never;
    try {
      const outcome = await cancelOrder(ctx, view);
      if (outcome.kind === 'refused') return c.json({ error: outcome.message }, 409);
      return c.json({ cancel: 'requested' as const }, 202);
    } catch (err) {
      return c.json({ error: `The order could not be cancelled: ${temporalProblem(err)}` }, 503);
    }
  });

  api.openapi(address, async (c) => {
    const view = await current(c, c.req.valid('param').orderId);
    if (view instanceof Response) return view as never;
    try {
      const outcome = await changeAddress(ctx, view, c.req.valid('json').address);
      if (outcome.kind === 'sent') return c.json({ accepted: true as const, message: outcome.message }, 200);
      if (outcome.kind === 'rejected') return c.json({ error: outcome.message }, 422);
      if (outcome.kind === 'invalid') return c.json({ error: outcome.message, fields: { address: outcome.message } }, 400);
      return c.json({ error: outcome.message }, 409);
    } catch (err) {
      return c.json({ error: `The address could not be sent: ${temporalProblem(err)}` }, 503);
    }
  });

  // The cart's actions (/api/carts/...): same access rules, same Problem answers, same document.
  cartApi(api, ctx);

  courierApi(api, ctx, current);
  idempotenceApi(api, ctx, (orderId) => links(orderId));
  api.doc('/api/openapi.json', { openapi: '3.0.3', info: { title: 'Order demo console API', version: '1' } });
  // Malformed JSON and the like: the same Problem shape as every other refusal, never a page or a trace.
  api.onError((err, c) => {
    if (err instanceof HTTPException && err.status < 500) return c.json({ error: err.message || 'Bad request.' }, err.status);
    ctx.logger.error('API request failed', { method: c.req.method, path: c.req.path, error: err });
    return c.json({ error: 'The console hit an unexpected error; it has been logged.' }, 500);
  });
  return api;
}

function orderJson(v: OrderView, links: z.infer<typeof Order>['links']): z.infer<typeof Order> {
  return {
    orderId: v.orderId,
    workflowId: v.workflowId,
    runId: v.runId,
    scenario: v.scenario ?? null,
    phase: v.phase,
    progress: v.progress,
    step: v.status.label,
    orderStatus: v.orderStatus ?? null,
    awaitingAddress: v.awaitingAddress ? { via: v.awaitingAddress.via, deadline: v.awaitingAddress.deadline ?? null } : null,
    cancel: v.cancel.state === 'refused' ? { state: 'refused', reason: v.cancel.reason } : { state: v.cancel.state },
    steps: v.steps.map((s) => ({ key: s.key, label: s.label, state: s.state, attempt: s.attempt ?? null })),
    compensations: v.compensations.map((s) => ({ key: s.key, label: s.label, state: s.state })),
    result: v.result ? { trackingId: v.result.trackingId, address: v.result.address } : null,
    failure: v.failure ? v.failure.message : null,
    links,
  };
}
