/**
 * The cart's JSON API, on the same OpenAPIHono as the orders' (./routes.ts: access rules, 400 per field,
 * the OpenAPI document):
 *   GET  /api/carts/{customerId}             the cart, as its workflow says (404: none yet)
 *   POST /api/carts/{customerId}/add         { itemId, quantity }: update-with-start, the first add creates the cart
 *   POST /api/carts/{customerId}/remove      { itemId, quantity? } (default: all of it)
 *   POST /api/carts/{customerId}/reset       {}
 *   POST /api/carts/{customerId}/checkout    { orderId?, address? }: starts an order, empties the cart;
 *                                            the same orderId again is the same checkout (safe to retry)
 * 422: the workflow's validator refused it (its words); 404: no cart; 503: Temporal did not answer.
 */
import { randomInt } from 'node:crypto';
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { cartWorkflowId, CATALOG, isCustomerId, MAX_QUANTITY, type CartView } from '../../cart/api.js';
import type { CartOutcome } from '../../cart/client.js';
import type { Shop } from '../../cart/shop.js';
import { isOrderId } from '../../temporal/contract.js';
import type { RouteContext } from '../deps.js';
import { temporalProblem } from '../respond.js';
import { temporalUiLinks } from '../temporal-ui.js';
import { addressProblem } from '../validate.js';
import { Problem } from './schemas.js';

const ItemId = z
  .number()
  .int()
  .refine((id) => CATALOG.some((item) => item.id === id), `Unknown item: the shop sells ${CATALOG.map((i) => `${i.id} (${i.description})`).join(', ')}.`)
  .openapi({ example: 654321, description: 'A catalog item id.' });
const Quantity = z.number().int().min(1).max(MAX_QUANTITY).openapi({ example: 2 });

const CustomerParam = z.object({
  customerId: z
    .string()
    .refine(isCustomerId, 'A customer id is 1 to 32 lower-case letters, digits and dashes.')
    .openapi({ param: { name: 'customerId', in: 'path' }, example: 'alice' }),
});
const AddBody = z.object({ itemId: ItemId, quantity: Quantity }).strict().openapi('CartAdd');
const RemoveBody = z.object({ itemId: ItemId, quantity: Quantity.optional().openapi({ description: 'Default: all of it.' }) }).strict().openapi('CartRemove');
const ResetBody = z.object({}).strict().openapi('CartReset');
const CheckoutBody = z
  .object({
    orderId: z.string().refine(isOrderId, 'An order id is 1 to 12 digits.').optional().openapi({ description: 'The new order\'s id; send the same one to retry safely (one order). Default: a new id.' }),
    address: z
      .string()
      .superRefine((value, c) => {
        const problem = addressProblem(value);
        if (problem) c.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
  })
  .strict()
  .openapi('CartCheckout');

const Line = z.object({ id: z.number(), description: z.string(), quantity: z.number() });
const Checkout = z.object({ orderId: z.string(), workflowId: z.string(), items: z.array(Line), at: z.string() }).openapi('CartCheckoutResult');
const Cart = z
  .object({
    customerId: z.string(),
    workflowId: z.string(),
    items: z.array(Line),
    changes: z.number().openapi({ description: 'Accepted changes since the cart began, across runs.' }),
    changesThisRun: z.number(),
    continueEvery: z.number().openapi({ description: 'The cart continues as new after this many changes in a run.' }),
    run: z.number().openapi({ description: '1 for the first run, +1 at each continue-as-new.' }),
    runs: z.array(z.object({ run: z.number(), changes: z.number(), at: z.string(), reason: z.enum(['changes', 'suggested']) })),
    checkouts: z.array(Checkout),
    historyLength: z.number(),
    links: z.object({ page: z.string(), temporalUi: z.string().nullable() }),
  })
  .openapi('Cart');
const CheckedOut = Checkout.extend({ links: z.object({ order: z.string(), api: z.string() }) }).openapi('CartCheckedOut');

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const problem = (description: string) => json(Problem, description);
const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const common = { 400: problem('The path or body does not fit the schema'), 503: problem('Temporal did not answer, or the console has no cart client') };

const read = createRoute({
  method: 'get', path: '/api/carts/{customerId}', summary: 'A customer\'s cart', request: { params: CustomerParam },
  responses: { 200: json(Cart, 'The cart'), 404: problem('The customer has no cart yet'), ...common },
});
const add = createRoute({
  method: 'post', path: '/api/carts/{customerId}/add', summary: 'Add an item (the first add starts the cart: update-with-start)', request: { params: CustomerParam, ...body(AddBody) },
  responses: { 200: json(Cart, 'Added'), 422: problem('The cart\'s validator refused it (e.g. more than 99 of an item)'), ...common },
});
const remove = createRoute({
  method: 'post', path: '/api/carts/{customerId}/remove', summary: 'Remove an item, or some of it', request: { params: CustomerParam, ...body(RemoveBody) },
  responses: { 200: json(Cart, 'Removed'), 404: problem('No cart'), 422: problem('Not in the cart, or fewer than that'), ...common },
});
const reset = createRoute({
  method: 'post', path: '/api/carts/{customerId}/reset', summary: 'Empty the cart', request: { params: CustomerParam, ...body(ResetBody) },
  responses: { 200: json(Cart, 'Emptied'), 404: problem('No cart'), ...common },
});
const checkout = createRoute({
  method: 'post', path: '/api/carts/{customerId}/checkout', summary: 'Start an order for the cart\'s content and empty it (once per orderId)', request: { params: CustomerParam, ...body(CheckoutBody) },
  responses: { 200: json(CheckedOut, 'The order started (or had started: same orderId)'), 404: problem('No cart'), 422: problem('The cart is empty, or the order id is taken'), ...common },
});

export function cartApi(api: OpenAPIHono, ctx: RouteContext): void {
  const ui = temporalUiLinks(ctx.config.temporal.uiUrl);
  const cartJson = (cart: CartView): z.infer<typeof Cart> => ({
    ...cart,
    workflowId: cartWorkflowId(cart.customerId),
    links: { page: `/shop/${cart.customerId}`, temporalUi: ui.workflow(ctx.client.namespace, cartWorkflowId(cart.customerId)) ?? null },
  });
  const noShop = (c: Context) => c.json({ error: 'The console has no cart client.' }, 503);
  /** Runs one cart call and words its outcome. */
  async function answer<T>(c: Context, customerId: string, what: string, fn: (shop: Shop) => Promise<CartOutcome<T>>, ok: (value: T) => Response): Promise<Response> {
    const shop = ctx.shop;
    if (!shop) return noShop(c);
    try {
      const outcome = await fn(shop);
      shop.live.nudge(customerId);
      if (outcome.kind === 'rejected') return c.json({ error: outcome.message }, 422);
      if (outcome.kind === 'no-cart') return c.json({ error: `${customerId} has no cart: add an item to start one.` }, 404);
      return ok(outcome.value);
    } catch (err) {
      ctx.logger.warn('Cart call failed', { customerId, what, error: err as Error });
      return c.json({ error: `The cart could not ${what}: ${temporalProblem(err)}` }, 503);
    }
  }

  api.openapi(read, async (c) => {
    const { customerId } = c.req.valid('param');
    if (!ctx.shop) return noShop(c) as never;
    try {
      const cart = await ctx.shop.carts.get(customerId);
      if (!cart) return c.json({ error: `${customerId} has no cart: add an item to start one.` }, 404);
      return c.json(cartJson(cart), 200);
    } catch (err) {
      return c.json({ error: `The cart could not be read: ${temporalProblem(err)}` }, 503);
    }
  });
  api.openapi(add, async (c) => {
    const { customerId } = c.req.valid('param');
    return (await answer(c, customerId, 'take the item', (s) => s.carts.add(customerId, c.req.valid('json')), (cart) => c.json(cartJson(cart), 200))) as never;
  });
  api.openapi(remove, async (c) => {
    const { customerId } = c.req.valid('param');
    return (await answer(c, customerId, 'remove the item', (s) => s.carts.remove(customerId, c.req.valid('json')), (cart) => c.json(cartJson(cart), 200))) as never;
  });
  api.openapi(reset, async (c) => {
    const { customerId } = c.req.valid('param');
    return (await answer(c, customerId, 'be emptied', (s) => s.carts.reset(customerId), (cart) => c.json(cartJson(cart), 200))) as never;
  });
  api.openapi(checkout, async (c) => {
    const { customerId } = c.req.valid('param');
    const input = c.req.valid('json');
    const orderId = input.orderId ?? String(randomInt(100_000, 1_000_000));
    const request = { orderId, address: input.address, timeScale: ctx.config.web.timeScale };
    return (await answer(c, customerId, 'check out', (s) => s.carts.checkout(customerId, request), (result) =>
      c.json({ ...result, links: { order: `/orders/${result.orderId}`, api: `/api/orders/${result.orderId}` } }, 200),
    )) as never;
  });
}
