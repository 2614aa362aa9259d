/**
 * The RecoverableFailure fix, from the console, through the worker's control channel (optional):
 *   POST /worker/deploy-fix   deploy the fixed worker code; a second click answers "already deployed"
 *   POST /worker/restore-bug  put the bug back for the next rehearsal; idempotent too
 * Form posts only, so the CSRF origin check always applies. htmx gets the order's panel (deploy) or the
 * result line (restore), always as 200 since htmx swaps 2xx answers only; a browser without JavaScript
 * gets a page with the real status: 200 done or already so, 501 no control channel here, 502 the worker
 * failed or could not be reached, 504 it did not answer. No stack trace ever: the control client's errors
 * say which call failed and why, in a sentence.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { RouteContext } from '../deps.js';
import { FIX_COMMAND, fixStatusOf, type Outcome } from '../orders/fix-status.js';
import { retryWait, type OrderView } from '../orders/view.js';
import { formOnly } from '../middleware/security.js';
import { isHtmx, renderPage, renderPartial } from '../respond.js';
import { field, orderIdProblem } from '../validate.js';
import { orderData } from './order-page.js';

export function workerRoutes(ctx: RouteContext): Hono {
  // Known before the first order page renders, so a fix deployed earlier is not offered again.
  void fixStatusOf(ctx)?.ask();
  const action = (want: boolean) => async (c: Context) => {
    const orderId = field(await c.req.parseBody(), 'orderId');
    const order = orderIdProblem(orderId) ? undefined : orderId;
    const status = fixStatusOf(ctx);
    const outcome = status ? await status.change(want) : undefined;
    if (outcome?.kind === 'failed') ctx.logger.warn(want ? 'Deploying the fix failed' : 'Restoring the bug failed', { orderId: order, error: outcome.reason });
    else if (outcome) ctx.logger.info(want ? 'Fix deployed from the console' : 'Bug restored from the console', { orderId: order, already: outcome.kind === 'already' });
    const view = order ? await currentView(ctx, order) : undefined;
    const words = want ? deployWords(outcome, view) : restoreWords(outcome);
    const ok = outcome !== undefined && outcome.kind !== 'failed';
    if (isHtmx(c)) {
      // Deploy answers with the order's whole panel, rendered as the stream would render it now: the stream
      // may replace the banner while the worker redeploys, and an answer aimed at the old button would land
      // nowhere. The banner tells the new state; the line under it, what this click did.
      if (want && view) return renderPartial(ctx, c, 'order-panel', { ...orderData(ctx, view), fixResult: words.line && { ok, message: words.line } });
      return renderPartial(ctx, c, 'deploy-fix-result', { ok, message: words.line ?? words.page });
    }
    const title = want ? 'Deploy the fix' : 'Restore the bug';
    return renderPage(ctx, c, 'deploy-fix', { title, ok, message: words.page, back: order ? `/orders/${order}` : undefined }, statusOf(outcome));
  };
  return new Hono().post('/worker/deploy-fix', formOnly, action(true)).post('/worker/restore-bug', formOnly, action(false));
}

function statusOf(outcome: Outcome | undefined): ContentfulStatusCode {
  if (!outcome) return 501;
  if (outcome.kind === 'failed') return outcome.timedOut ? 504 : 502;
  return 200;
}

async function currentView(ctx: RouteContext, orderId: string): Promise<OrderView | undefined> {
  try {
    const message = await ctx.hub.current(orderId);
    return message.kind === 'view' ? message.view : undefined;
  } catch {
    return undefined; // Temporal unreachable: the page's own banner says so; the answer still says what the worker did.
  }
}

/** page: the whole story, for the page a browser without JavaScript gets; line: in the panel, what the click did (the banner tells the rest). */
interface Words {
  page: string;
  line: string | undefined;
}

function deployWords(outcome: Outcome | undefined, view: OrderView | undefined): Words {
  if (!outcome) {
    const page = `The console has no control channel to the worker here, so it cannot deploy the fix. Deploy the fixed worker code yourself: for this demo's worker, restart it with the fix (${FIX_COMMAND}).`;
    return { page, line: page };
  }
  if (outcome.kind === 'failed') {
    const page = `Deploying the fix failed: ${outcome.reason} Try again, or restart the worker with the fix (${FIX_COMMAND}).`;
    return { page, line: page };
  }
  const replay = 'the workflow replays its history on the fixed code and carries on.';
  const next = !view
    ? `stuck orders resume at their next retry: ${replay}`
    : view.stuck
      ? `waiting for the next retry, ${retryWait(view.stuck, Date.now())}; then ${replay}`
      : 'the worker runs the fixed code.';
  if (outcome.kind === 'already') return { page: `The fix is already deployed: ${next}`, line: 'The fix is already deployed: nothing was redeployed.' };
  return { page: `Fix deployed: ${next}`, line: 'Fix deployed: the worker runs the fixed code now.' };
}

function restoreWords(outcome: Outcome | undefined): Words {
  const manual = 'restart the worker without ORDER_DEMO_FIX_DEPLOYED';
  if (!outcome) return { page: `The console has no control channel to the worker here. To put the bug back, ${manual}.`, line: undefined };
  if (outcome.kind === 'failed') return { page: `Restoring the bug failed: ${outcome.reason} Try again, or ${manual}.`, line: undefined };
  const next = 'The next RecoverableFailure order gets stuck after the charge again.';
  if (outcome.kind === 'already') return { page: `The bug is already back: the worker runs the original code. ${next}`, line: undefined };
  return { page: `Bug restored: the worker runs the original code again. ${next}`, line: undefined };
}
