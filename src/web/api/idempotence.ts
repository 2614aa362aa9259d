/**
 * The JSON API's idempotence operation (this console's extension), registered on the same OpenAPIHono as
 * ./routes.ts so it shares its access rules, its 400 hook and its OpenAPI document:
 *   POST /api/idempotence/orders   place an "Idempotence across a crash" order (idempotent on its order id)
 * The order is then read like any other (GET /api/orders/{orderId}: ChargeCustomer's attempt in `steps`).
 */
import { randomInt } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { NO_IDEMPOTENCE_CLIENT } from '../../idempotence/routes.js';
import { DEFAULT_ADDRESS, orderWorkflowId } from '../../temporal/contract.js';
import type { RouteContext } from '../deps.js';
import { temporalProblem } from '../respond.js';
import { PlaceOrderBody, PlacedOrder, Problem } from './schemas.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const problem = (description: string) => json(Problem, description);

const PlaceIdempotenceBody = PlaceOrderBody.omit({ scenario: true }).strict().openapi('PlaceIdempotenceOrder');

const place = createRoute({
  method: 'post', path: '/api/idempotence/orders', summary: 'Place an Idempotence across a crash order', tags: ['Idempotence'],
  request: { body: { content: { 'application/json': { schema: PlaceIdempotenceBody } }, required: true } },
  responses: { 201: json(PlacedOrder, 'Started'), 200: json(PlacedOrder, 'An order with this id already existed: that one'), 400: problem('The body does not fit'), 503: problem('Temporal did not answer') },
});

/** Adds the idempotence operation to the API (call before its OpenAPI document is declared). */
export function idempotenceApi(api: OpenAPIHono, ctx: RouteContext, links: (orderId: string) => z.infer<typeof PlacedOrder>['links']): void {
  api.openapi(place, async (c) => {
    if (!ctx.idempotence) return c.json({ error: NO_IDEMPOTENCE_CLIENT }, 503);
    const input = c.req.valid('json');
    const orderId = input.orderId ?? String(randomInt(100_000, 1_000_000));
    try {
      const { started } = await ctx.idempotence.start({ orderId, address: input.address ?? DEFAULT_ADDRESS, slowdown: input.pace ?? 1 });
      return c.json({ orderId, workflowId: orderWorkflowId(orderId), started, links: links(orderId) }, started ? 201 : 200);
    } catch (err) {
      return c.json({ error: `The order was not placed: ${temporalProblem(err)}` }, 503);
    }
  });
}
