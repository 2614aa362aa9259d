/**
 * Orders: POST /orders places one (then 303 to its page), GET /orders lists recent ones from
 * visibility, GET /orders/:orderId shows one (live through ./order-live.ts).
 */
import { Hono } from 'hono';
import { isScenario } from '../../temporal/contract.js';
import { LIST_STATUSES } from '../../temporal/client.js';
import type { ListStatus } from '../../temporal/client.js';
import type { RouteContext } from '../deps.js';
import { renderError, renderPage, temporalProblem } from '../respond.js';
import { SCENARIO_CARDS, scenarioTitle } from '../scenarios.js';
import { addressProblem, field, orderIdProblem, slowdownOf } from '../validate.js';
import { renderHome } from './home.js';
import { renderOrderPage } from './order-page.js';

const RECENT_LIMIT = 50;

export function ordersRoutes(ctx: RouteContext): Hono {
  const { client, metrics, logger } = ctx;
  return new Hono()
    .post('/orders', async (c) => {
      const body = await c.req.parseBody();
      const scenario = field(body, 'scenario');
      if (!isScenario(scenario)) return renderError(ctx, c, 400, 'Unknown scenario', `There is no scenario called "${scenario}".`);
      const form = { orderId: field(body, 'orderId').trim(), address: field(body, 'address'), pace: field(body, 'pace'), errors: {} };
      const slowdown = slowdownOf(form.pace);
      const errors = { orderId: orderIdProblem(form.orderId), address: addressProblem(form.address), pace: slowdown ? undefined : 'Pick one of the paces offered.' };
      if (errors.orderId || errors.address || errors.pace || !slowdown) return renderHome(ctx, c, { ...form, pace: '1', errors }, 422);
      try {
        const { started } = await client.startOrder(scenario, { OrderId: form.orderId, Address: form.address }, { slowdown });
        if (started) metrics.ordersStarted.inc({ scenario });
        else logger.info('Order already exists: showing it', { orderId: form.orderId, scenario });
      } catch (err) {
        logger.warn('Could not start order', { orderId: form.orderId, scenario, error: err as Error });
        const message = `The order was not placed: ${temporalProblem(err)}`;
        return renderHome(ctx, c, { ...form, errors: { form: message } }, 503);
      }
      // Started now or by an earlier click of the same form: either way, that order is the answer.
      return c.redirect(`/orders/${form.orderId}`, 303);
    })
    .get('/orders', async (c) => {
      const scenario = c.req.query('scenario') || undefined;
      const status = c.req.query('status') || undefined;
      if (scenario !== undefined && !isScenario(scenario)) return renderError(ctx, c, 400, 'Unknown scenario', `There is no scenario called "${scenario}".`);
      if (status !== undefined && !isListStatus(status)) {
        return renderError(ctx, c, 400, 'Unknown status', `Status must be one of ${LIST_STATUSES.join(', ')}.`);
      }
      const data = {
        title: 'Recent orders', nav: 'orders' as const, filter: { scenario, status }, scenarios: SCENARIO_CARDS, statuses: LIST_STATUSES, scenarioTitle,
        // The rows link into the Temporal UI, in the orders' namespace.
        namespace: client.namespace,
      };
      try {
        const orders = await client.listOrders({ scenario, status, limit: RECENT_LIMIT });
        return renderPage(ctx, c, 'orders', { ...data, orders, error: undefined });
      } catch (err) {
        logger.warn('Could not list orders', { error: err as Error });
        return renderPage(ctx, c, 'orders', { ...data, orders: [], error: temporalProblem(err) }, 503);
      }
    })
    .get('/orders/:orderId', async (c) => {
      const orderId = c.req.param('orderId');
      if (orderIdProblem(orderId)) return renderError(ctx, c, 400, 'Not an order id', 'Order ids are 1 to 12 digits.');
      try {
        const message = await ctx.hub.current(orderId);
        if (message.kind === 'not-found') return renderError(ctx, c, 404, 'No such order', `There is no order ${orderId}.`);
        return renderOrderPage(ctx, c, message.view);
      } catch (err) {
        logger.warn('Could not load order', { orderId, error: err as Error });
        return renderError(ctx, c, 503, 'Order unavailable', `Order ${orderId} cannot be shown right now: ${temporalProblem(err)}`);
      }
    });
}

function isListStatus(value: string): value is ListStatus {
  return (LIST_STATUSES as readonly string[]).includes(value);
}
