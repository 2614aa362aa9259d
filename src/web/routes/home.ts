/**
 * GET / — the scenarios and the order form (the audience: the scenarios and the orders, live, loaded by the
 * page itself); needs nothing from Temporal, so it renders when it is down.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DEFAULT_ADDRESS } from '../../temporal/contract.js';
import { FULFILMENT_CARD } from '../../fulfilment/view.js';
import { IDEMPOTENCE_CARD } from '../../idempotence/view.js';
import type { RouteContext } from '../deps.js';
import { ORDER_ITEMS } from '../orders/steps.js';
import { isPresenter } from '../middleware/presenter.js';
import { renderPage } from '../respond.js';
import { SCENARIO_CARDS } from '../scenarios.js';
import { MAX_ADDRESS_LENGTH, PACES } from '../validate.js';

/** The order form's values and the messages shown next to its fields. */
export interface OrderForm {
  orderId: string;
  address: string;
  /** The pace choice (PACES): kept when the form comes back with an error. */
  pace?: string;
  errors: { orderId?: string; address?: string; pace?: string; form?: string };
}

/** The audience's home refreshes its list of orders this often (one shared read serves every phone). */
const AUDIENCE_REFRESH_SECONDS = 3;

export function homeRoutes(ctx: RouteContext): Hono {
  return new Hono().get('/', (c) => {
    // The order id is made now, so a double submit or a resubmitted form carries the same id and
    // finds the same workflow. no-store: going back to this page offers a fresh id for a new order.
    c.header('Cache-Control', 'no-store');
    return renderHome(ctx, c, { orderId: ctx.newOrderId(), address: DEFAULT_ADDRESS, errors: {} });
  });
}

export function renderHome(ctx: RouteContext, c: Context, form: OrderForm, status: ContentfulStatusCode = 200): Response {
  return renderPage(
    ctx,
    c,
    'home',
    {
      title: isPresenter(c) ? 'Place an order' : 'Follow the demo', nav: 'home', form, scenarios: SCENARIO_CARDS, items: ORDER_ITEMS,
      fulfilment: FULFILMENT_CARD, idempotence: IDEMPOTENCE_CARD, maxAddress: MAX_ADDRESS_LENGTH, paces: PACES, timeScale: ctx.config.web.timeScale, refreshSeconds: AUDIENCE_REFRESH_SECONDS,
    },
    status,
  );
}
