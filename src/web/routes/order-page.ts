/**
 * The order page and its two live regions. The page includes the same partials that the SSE stream
 * sends (progress and panel), built from the same data by orderData(), so the first render and the
 * live updates cannot drift apart.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { FULFILMENT_TITLE } from '../../fulfilment/view.js';
import { IDEMPOTENCE_TITLE, idempotenceNote } from '../../idempotence/view.js';
import { isIdempotence } from '../../idempotence/api.js';
import type { RouteContext } from '../deps.js';
import type { EffectsPanel } from '../../effects/panel.js';
import { FIX_COMMAND, fixStatusOf } from '../orders/fix-status.js';
import { retryWait, wholeSeconds } from '../orders/view.js';
import type { OrderView } from '../orders/view.js';
import { isPresenter } from '../middleware/presenter.js';
import { renderError, renderPage, temporalProblem } from '../respond.js';
import { scenarioTitle } from '../scenarios.js';
import { MAX_ADDRESS_LENGTH, orderIdProblem } from '../validate.js';

/** The address form's state after a submission: the value kept, and the error or the workflow's answer. */
export interface AddressFormState {
  value: string;
  error?: string;
  /** The error is the workflow's update validator rejecting the address, in its own words. */
  rejectedBy?: 'validator';
}

export function orderData(ctx: Pick<RouteContext, 'workerControl' | 'logger' | 'supervisor'>, view: OrderView, address?: AddressFormState) {
  return {
    v: view,
    // Under npm start the supervisor runs the worker: the page points at its Start button, not at a terminal.
    supervised: ctx.supervisor !== undefined,
    scenarioTitle: view.fulfilment ? FULFILMENT_TITLE : isIdempotence(view.workflowType) ? IDEMPOTENCE_TITLE : scenarioTitle(view.scenario),
    idempotence: idempotenceNote(view),
    address: address ?? { value: view.address, error: undefined },
    maxAddress: MAX_ADDRESS_LENGTH,
    fix: fixData(ctx, view),
  };
}

/**
 * What the stuck banner and the RecoverableFailure outcome need: whether our worker's control channel is
 * here (the buttons), whether the worker said it runs the fix (then Deploy fix is never offered again),
 * and the retry timing in words. Asked only for orders that can use it, so other pages cost the worker nothing.
 */
function fixData(ctx: Pick<RouteContext, 'workerControl' | 'logger'>, view: OrderView) {
  const status = view.stuck || view.scenario === 'RecoverableFailure' ? fixStatusOf(ctx) : undefined;
  const stuck = view.stuck;
  return {
    command: FIX_COMMAND,
    canDeploy: ctx.workerControl !== undefined,
    deployed: status?.peek(),
    retryEvery: stuck ? wholeSeconds(stuck.retryEveryMs) : undefined,
    nextRetry: stuck ? retryWait(stuck, Date.now()) : undefined,
  };
}

export async function renderOrderPage(
  ctx: RouteContext, c: Context, view: OrderView, address?: AddressFormState, status: ContentfulStatusCode = 200,
): Promise<Response> {
  const regions = renderLiveRegions(ctx, view, isPresenter(c));
  const effects = await ctx.effects.panel(view);
  // Tells the stream what the page already shows, so its first message does not replace (and wipe a form
  // being typed into) with an identical copy.
  const seen = `${regionDigest(regions.progress)}.${regionDigest(regions.panel)}.${regionDigest(renderEffects(ctx, effects))}`;
  // The page never waits on the launcher: the controls fill themselves in on load.
  const durability = view.terminal ? undefined : ctx.durability.first();
  return renderPage(ctx, c, 'order', { title: `Order ${view.orderId}`, ...orderData(ctx, view, address), seen, durability, effects }, status);
}

/** The Effects region, as the page includes it and the stream sends it. */
export function renderEffects(ctx: RouteContext, effects: EffectsPanel): string {
  return ctx.views.partial('order-effects', { effects, presenter: false });
}

/** A short fingerprint of a rendered region: what the stream compares to decide whether to send it. */
export function regionDigest(html: string): string {
  return createHash('sha256').update(html).digest('base64url').slice(0, 16);
}

/** The two regions the SSE stream swaps, rendered exactly as the page renders them, for the viewer's role. */
export function renderLiveRegions(ctx: RouteContext, view: OrderView, presenter: boolean): { progress: string; panel: string } {
  const data = { ...orderData(ctx, view), presenter };
  return { progress: ctx.views.partial('order-progress', data), panel: ctx.views.partial('order-panel', data) };
}

/**
 * The order a form acts on, or the page to answer with instead: 400 not an order id, 404 no such order,
 * 503 Temporal did not answer (`failed` says what could not be done, e.g. "The order could not be cancelled").
 */
export async function orderToActOn(ctx: RouteContext, c: Context, orderId: string, failed: string): Promise<OrderView | Response> {
  if (orderIdProblem(orderId)) return renderError(ctx, c, 400, 'Not an order id', 'Order ids are 1 to 12 digits.');
  try {
    const message = await ctx.hub.current(orderId);
    if (message.kind === 'not-found') return renderError(ctx, c, 404, 'No such order', `There is no order ${orderId}.`);
    return message.view;
  } catch (err) {
    return renderError(ctx, c, 503, 'Order unavailable', `${failed}: ${temporalProblem(err)}`);
  }
}
