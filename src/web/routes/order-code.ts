/**
 * "Show the code" on the order page: two partials that load themselves after the page and refresh every
 * second while the order runs, then stop (the last render carries no trigger).
 * GET /orders/:orderId/code: the scenario's workflow and the shared step it is in now, highlighted.
 * GET /orders/:orderId/history: the order's event history, newest first.
 * `?seen=<digest>` is what the browser shows: an unchanged region answers 204 and htmx keeps it as is.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { buildCodeView } from '../code/code-view.js';
import { createHistoryReads } from '../code/history-reads.js';
import { createWorkflowSources } from '../code/sources.js';
import type { WorkflowSources } from '../code/sources.js';
import type { RouteContext } from '../deps.js';
import type { OrderView } from '../orders/view.js';
import { renderError, renderPartial, temporalProblem } from '../respond.js';
import type { HubMessage } from '../sse/hub.js';
import { orderIdProblem } from '../validate.js';

/** While the order runs; a region that could not be read tries again a little later. */
const LIVE_TRIGGER = 'every 1s, refresh';
const RETRY_TRIGGER = 'every 3s, refresh';

/** Ended orders whose final view is kept, so that a room's last refreshes cost nothing. */
const MAX_ENDED = 1000;

export function orderCodeRoutes(ctx: RouteContext, sources: WorkflowSources = createWorkflowSources()): Hono {
  const histories = createHistoryReads(ctx.client, (orderId) => ctx.hub.events(orderId));
  // The hub stops polling an order once it has ended, so every viewer's last refresh would read it afresh;
  // an ended order's view never changes again.
  const ended = new Map<string, OrderView>();

  /** The order as the page shows it (the live poller's latest, or one shared read), or a response to send instead. */
  async function currentView(c: Context, orderId: string, region: 'code-view' | 'event-history'): Promise<OrderView | Response> {
    if (orderIdProblem(orderId)) return renderError(ctx, c, 400, 'Not an order id', 'Order ids are 1 to 12 digits.');
    const known = ended.get(orderId);
    if (known) return known;
    let message: HubMessage;
    try {
      message = await ctx.hub.current(orderId);
    } catch (err) {
      return renderPartial(ctx, c, region, { orderId, trigger: RETRY_TRIGGER, problem: `Temporal did not answer: ${temporalProblem(err)}` });
    }
    if (message.kind === 'not-found') return renderError(ctx, c, 404, 'No such order', `There is no order ${orderId}.`);
    if (message.view.terminal) {
      ended.set(orderId, message.view);
      if (ended.size > MAX_ENDED) ended.delete(ended.keys().next().value as string);
    }
    return message.view;
  }

  return new Hono()
    .get('/orders/:orderId/code', async (c) => {
      const orderId = c.req.param('orderId');
      const view = await currentView(c, orderId, 'code-view');
      if (view instanceof Response) return view;
      let code;
      try {
        code = await buildCodeView(sources, view);
      } catch (err) {
        ctx.logger.warn('Workflow source unavailable', { orderId, error: err as Error });
        return renderPartial(ctx, c, 'code-view', { orderId, problem: 'The workflow source files could not be read on this console.' });
      }
      if (!code) {
        // Nothing to follow: the worker that runs this type is not ours.
        const problem = `This order runs ${view.workflowType}, which is not a workflow of this console's worker: its code is not here.`;
        return renderPartial(ctx, c, 'code-view', { orderId, problem });
      }
      const digest = digestOf([code.key, view.terminal]);
      if (c.req.query('seen') === digest) return c.body(null, 204);
      return renderPartial(ctx, c, 'code-view', { orderId, code, digest, trigger: view.terminal ? undefined : LIVE_TRIGGER });
    })
    .get('/orders/:orderId/history', async (c) => {
      const orderId = c.req.param('orderId');
      const view = await currentView(c, orderId, 'event-history');
      if (view instanceof Response) return view;
      let history;
      try {
        history = await histories.get(orderId);
      } catch (err) {
        return renderPartial(ctx, c, 'event-history', { orderId, trigger: RETRY_TRIGGER, problem: `Temporal did not answer: ${temporalProblem(err)}` });
      }
      const pending = pendingAttempts(view);
      const done = history.closed && view.terminal;
      const digest = digestOf([view.runId, history.total, pending, done]);
      if (c.req.query('seen') === digest) return c.body(null, 204);
      return renderPartial(ctx, c, 'event-history', { orderId, history, pending, digest, trigger: done ? undefined : LIVE_TRIGGER });
    });
}

export interface PendingAttempt {
  what: string;
  attempt: number;
  failure: string | undefined;
}

/**
 * What is happening that the history does not show yet: an activity's retries reach it only when the
 * activity closes, and a stuck workflow task's attempts after the first are never recorded.
 */
export function pendingAttempts(view: Pick<OrderView, 'steps' | 'compensations' | 'stuck'>): PendingAttempt[] {
  const steps = [...view.steps, ...view.compensations].filter((s) => s.state === 'retrying' && s.attempt);
  const out = steps.map((s): PendingAttempt => ({ what: s.key, attempt: s.attempt!, failure: s.failure }));
  if (view.stuck?.attempts && view.stuck.attempts > 1) out.push({ what: 'Workflow task', attempt: view.stuck.attempts, failure: view.stuck.message });
  return out;
}

function digestOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 16);
}
