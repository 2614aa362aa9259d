/**
 * The JSON API's fulfilment operations (this console's extension), registered on the same OpenAPIHono as
 * ./routes.ts so they share its access rules, its 400 hook and its OpenAPI document:
 *   POST /api/fulfilment/orders                                 place a Fulfilment with couriers order
 *   GET  /api/orders/{orderId}/shipments                        its shipments and amendment, as the workflow says
 *   POST /api/orders/{orderId}/shipments/{itemId}/dispatch      a courier takes a shipment
 *   POST /api/orders/{orderId}/shipments/{itemId}/deliver       ... and delivers it
 *   POST /api/orders/{orderId}/amend                            new quantities (then confirm before the deadline)
 *   POST /api/orders/{orderId}/confirm                          confirm the amendment
 * A refusal by the workflow's validator is 409 with its reason; an order that is not a fulfilment order, 409.
 */
import { randomInt } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { MAX_QUANTITY, MIN_QUANTITY } from '../../fulfilment/api.js';
import type { UpdateAnswer } from '../../fulfilment/client.js';
import { NO_CLIENT, NOT_FULFILMENT } from '../../fulfilment/routes.js';
import { DEFAULT_ADDRESS, orderWorkflowId } from '../../temporal/contract.js';
import type { RouteContext } from '../deps.js';
import type { OrderView } from '../orders/view.js';
import { temporalProblem } from '../respond.js';
import { OrderIdParam, PlaceOrderBody, Problem } from './schemas.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const problem = (description: string) => json(Problem, description);

const PlaceFulfilmentBody = PlaceOrderBody.omit({ scenario: true }).strict().openapi('PlaceFulfilmentOrder');
const ShipmentParams = OrderIdParam.extend({
  itemId: z.string().regex(/^[0-9]{1,9}$/, 'An item id is a number, such as 654321.').openapi({ param: { name: 'itemId', in: 'path' }, example: '654321' }),
});
const AmendBody = z
  .object({
    items: z
      .array(z.object({
        id: z.number().int().openapi({ example: 654321 }),
        quantity: z.number().int(`A whole number from ${MIN_QUANTITY} to ${MAX_QUANTITY}.`).min(MIN_QUANTITY, `A whole number from ${MIN_QUANTITY} to ${MAX_QUANTITY}.`).max(MAX_QUANTITY, `A whole number from ${MIN_QUANTITY} to ${MAX_QUANTITY}.`),
      }).strict())
      .min(1, 'Name at least one item and its new quantity.'),
  })
  .strict()
  .openapi('Amendment');
const Answer = z.object({ accepted: z.literal(true), message: z.string() }).openapi('FulfilmentAnswer');
const Shipment = z.object({
  item: z.object({ id: z.number(), description: z.string(), quantity: z.number() }),
  status: z.enum(['waiting', 'dispatched', 'delivered']),
});
const Shipments = z
  .object({
    orderId: z.string(),
    phase: z.enum(['preparing', 'awaiting-courier', 'shipping', 'delivered', 'cancelled']),
    shipments: z.array(Shipment),
    amendment: z.object({ changes: z.array(z.object({ id: z.number(), quantity: z.number() })), state: z.enum(['awaiting-confirmation', 'confirmed']), deadline: z.number().nullable() }).nullable(),
    amendable: z.boolean().openapi({ description: 'Amend and cancel are open (charged, nothing dispatched yet).' }),
  })
  .openapi('Shipments');
const PlacedFulfilment = z.object({ orderId: z.string(), workflowId: z.string(), started: z.boolean(), links: z.object({ page: z.string(), courier: z.string() }) });

const refusals = {
  400: problem('Not an order id or item id, or a body that does not fit'), 404: problem('No such order'),
  409: problem('Not a fulfilment order, or the workflow refused (its reason)'), 503: problem('Temporal did not answer'),
};
const accepted = { 200: json(Answer, 'Accepted by the workflow'), ...refusals };
const jsonBody = <T extends z.ZodType>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

const place = createRoute({
  method: 'post', path: '/api/fulfilment/orders', summary: 'Place a Fulfilment with couriers order', tags: ['Fulfilment'],
  request: { body: jsonBody(PlaceFulfilmentBody) },
  responses: { 201: json(PlacedFulfilment, 'Started'), 200: json(PlacedFulfilment, 'An order with this id already existed: that one'), 400: problem('The body does not fit'), 503: problem('Temporal did not answer') },
});
const shipments = createRoute({
  method: 'get', path: '/api/orders/{orderId}/shipments', summary: 'A fulfilment order\'s shipments and amendment', tags: ['Fulfilment'], request: { params: OrderIdParam },
  responses: { 200: json(Shipments, 'As the workflow reports them'), ...refusals },
});
const dispatch = createRoute({
  method: 'post', path: '/api/orders/{orderId}/shipments/{itemId}/dispatch', summary: 'A courier dispatches a shipment', tags: ['Fulfilment'],
  request: { params: ShipmentParams }, responses: accepted,
});
const deliver = createRoute({
  method: 'post', path: '/api/orders/{orderId}/shipments/{itemId}/deliver', summary: 'A courier delivers a dispatched shipment', tags: ['Fulfilment'],
  request: { params: ShipmentParams }, responses: accepted,
});
const amend = createRoute({
  method: 'post', path: '/api/orders/{orderId}/amend', summary: 'Amend quantities before the first dispatch (then confirm before the deadline)', tags: ['Fulfilment'],
  request: { params: OrderIdParam, body: jsonBody(AmendBody) }, responses: accepted,
});
const confirm = createRoute({
  method: 'post', path: '/api/orders/{orderId}/confirm', summary: 'Confirm the amended order', tags: ['Fulfilment'],
  request: { params: OrderIdParam }, responses: accepted,
});

/** Adds the fulfilment operations to the API (call before its OpenAPI document is declared). */
export function courierApi(api: OpenAPIHono, ctx: RouteContext, current: (c: Context, orderId: string) => Promise<OrderView | Response>): void {
  const fulfilment = ctx.fulfilment;
  /** The fulfilment order, or the answer to send instead. */
  const order = async (c: Context, orderId: string): Promise<OrderView | Response> => {
    if (!fulfilment) return c.json({ error: NO_CLIENT }, 503);
    const view = await current(c, orderId);
    if (view instanceof Response) return view;
    return view.fulfilment ? view : c.json({ error: NOT_FULFILMENT }, 409);
  };
  const answer = async (c: Context, run: () => Promise<UpdateAnswer>) => {
    try {
      const outcome = await run();
      return outcome.accepted ? c.json({ accepted: true as const, message: outcome.message }, 200) : c.json({ error: outcome.message }, 409);
    } catch (err) {
      return c.json({ error: `Not sent: ${temporalProblem(err)}` }, 503);
    }
  };

  api.openapi(place, async (c) => {
    if (!fulfilment) return c.json({ error: NO_CLIENT }, 503);
    const input = c.req.valid('json');
    const orderId = input.orderId ?? String(randomInt(100_000, 1_000_000));
    try {
      const { started } = await fulfilment.start({ orderId, address: input.address ?? DEFAULT_ADDRESS, slowdown: input.pace ?? 1 });
      const body = { orderId, workflowId: orderWorkflowId(orderId), started, links: { page: `/orders/${orderId}`, courier: '/courier' } };
      return c.json(body, started ? 201 : 200);
    } catch (err) {
      return c.json({ error: `The order was not placed: ${temporalProblem(err)}` }, 503);
    }
  });
  api.openapi(shipments, async (c) => {
    const view = await order(c, c.req.valid('param').orderId);
    if (view instanceof Response) return view as never;
    const { phase, shipments: list, amendment, amendable } = view.fulfilment!;
    return c.json({ orderId: view.orderId, phase, shipments: list.map(({ item, status }) => ({ item, status })), amendment, amendable }, 200);
  });
  for (const [route, act] of [[dispatch, 'dispatch'], [deliver, 'deliver']] as const) {
    api.openapi(route, async (c) => {
      const { orderId, itemId } = c.req.valid('param');
      const view = await order(c, orderId);
      if (view instanceof Response) return view as never;
      return (await answer(c, () => fulfilment![act](view.orderId, Number(itemId)))) as never;
    });
  }
  api.openapi(amend, async (c) => {
    const view = await order(c, c.req.valid('param').orderId);
    if (view instanceof Response) return view as never;
    const { items } = c.req.valid('json');
    return (await answer(c, () => fulfilment!.amend(view.orderId, items))) as never;
  });
  api.openapi(confirm, async (c) => {
    const view = await order(c, c.req.valid('param').orderId);
    if (view instanceof Response) return view as never;
    return (await answer(c, () => fulfilment!.confirm(view.orderId))) as never;
  });
}
