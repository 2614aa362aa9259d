/**
 * Orders: POST /orders places one (then 303 to its page), GET /orders lists recent ones from
 * visibility and GET /orders/rows refreshes that list in place, GET /orders/:orderId shows one (live
 * through ./order-live.ts).
 */
import { Hono } from 'hono';
import { isScenario } from '../../temporal/contract.js';
import { LIST_STATUSES } from '../../temporal/client.js';
import type { ListStatus, OrderSummary } from '../../temporal/client.js';
import type { Scenario } from '../../temporal/contract.js';
import type { RouteContext } from '../deps.js';
import { placeOrder } from '../orders/actions.js';
import { renderError, renderPage, renderPartial, temporalProblem } from '../respond.js';
import { FULFILMENT_WORKFLOW_TYPE } from '../../fulfilment/api.js';
import { FULFILMENT_TITLE } from '../../fulfilment/view.js';
import { IDEMPOTENCE_TITLE } from '../../idempotence/view.js';
import { IDEMPOTENCE_WORKFLOW_TYPE } from '../../idempotence/api.js';
import { SCENARIO_CARDS, scenarioTitle } from '../scenarios.js';
import { sharedRead } from '../shared-read.js';
import type { SharedRead } from '../shared-read.js';
import { addressProblem, field, orderIdProblem, slowdownOf } from '../validate.js';
import { renderHome } from './home.js';
import { renderOrderPage } from './order-page.js';

const RECENT_LIMIT = 50;
/** Recent orders refreshes itself this often while a page shows it. */
const REFRESH_SECONDS = 3;
/** One visibility read per filter serves every open Recent orders page for this long. */
const SHARED_READ_MS = 2000;

interface ListFilter {
  scenario: Scenario | undefined;
  status: ListStatus | undefined;
}

export function ordersRoutes(ctx: RouteContext): Hono {
  const { client, logger } = ctx;
  // Keyed by filter: at most (scenarios + 1) × (statuses + 1) entries, each holding one short list.
  const reads = new Map<string, SharedRead<OrderSummary[]>>();
  const recentOrders = (filter: ListFilter): Promise<OrderSummary[]> => {
    const key = `${filter.scenario ?? ''}|${filter.status ?? ''}`;
    let read = reads.get(key);
    if (!read) {
      read = sharedRead(() => client.listOrders({ ...filter, limit: RECENT_LIMIT }), SHARED_READ_MS);
      reads.set(key, read);
    }
    return read.get();
  };
  /** The list's data for the page and for its refresh, or the reason it cannot be listed. */
  const listData = async (filter: ListFilter) => {
    const data = {
      filter, scenarioTitle,
      // Our extensions' orders are named as their cards name them, not by workflow type.
      typeTitle: (workflowType: string) =>
        workflowType === FULFILMENT_WORKFLOW_TYPE ? FULFILMENT_TITLE : workflowType === IDEMPOTENCE_WORKFLOW_TYPE ? IDEMPOTENCE_TITLE : workflowType,
      // The rows link into the Temporal UI, in the orders' namespace.
      namespace: client.namespace,
    };
    try {
      return { ...data, orders: await recentOrders(filter), error: undefined };
    } catch (err) {
      logger.warn('Could not list orders', { error: err as Error });
      return { ...data, orders: [] as OrderSummary[], error: temporalProblem(err) };
    }
  };
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
        await placeOrder(ctx, { scenario, orderId: form.orderId, address: form.address, slowdown });
      } catch (err) {
        logger.warn('Could not start order', { orderId: form.orderId, scenario, error: err as Error });
        const message = `The order was not placed: ${temporalProblem(err)}`;
        return renderHome(ctx, c, { ...form, errors: { form: message } }, 503);
      }
      // Started now or by an earlier click of the same form: either way, that order is the answer.
      return c.redirect(`/orders/${form.orderId}`, 303);
    })
    .get('/orders', async (c) => {
      const filter = listFilter(c.req.query('scenario'), c.req.query('status'));
      if ('problem' in filter) return renderError(ctx, c, 400, filter.problem.title, filter.problem.message);
      const list = await listData(filter);
      const page = {
        title: 'Recent orders', nav: 'orders' as const, scenarios: SCENARIO_CARDS, statuses: LIST_STATUSES,
        refreshSeconds: REFRESH_SECONDS, rowsUrl: rowsUrl(filter), ...list,
      };
      return renderPage(ctx, c, 'orders', page, list.error ? 503 : 200);
    })
    // The list's own refresh: the rows alone, same filter. A failed read is shown in place (htmx swaps no
    // 5xx answer), and the next refresh puts the rows back.
    .get('/orders/rows', async (c) => {
      const filter = listFilter(c.req.query('scenario'), c.req.query('status'));
      if ('problem' in filter) return c.text(filter.problem.message, 400);
      return renderPartial(ctx, c, 'orders-rows', await listData(filter));
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

/** The list's filter from the query, or why it is not one. */
function listFilter(
  scenarioParam: string | undefined, statusParam: string | undefined,
): ListFilter | { problem: { title: string; message: string } } {
  const scenario = scenarioParam || undefined;
  const status = statusParam || undefined;
  if (scenario !== undefined && !isScenario(scenario)) {
    return { problem: { title: 'Unknown scenario', message: `There is no scenario called "${scenario}".` } };
  }
  if (status !== undefined && !isListStatus(status)) {
    return { problem: { title: 'Unknown status', message: `Status must be one of ${LIST_STATUSES.join(', ')}.` } };
  }
  return { scenario, status };
}

function rowsUrl(filter: ListFilter): string {
  const query = new URLSearchParams();
  if (filter.scenario) query.set('scenario', filter.scenario);
  if (filter.status) query.set('status', filter.status);
  const search = query.toString();
  return search ? `/orders/rows?${search}` : '/orders/rows';
}

function isListStatus(value: string): value is ListStatus {
  return (LIST_STATUSES as readonly string[]).includes(value);
}
