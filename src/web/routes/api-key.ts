/**
 * The API key panel.
 *   GET  /api-key          the page (the status region refreshes itself every 2 s)
 *   GET  /api-key/status   that region alone
 *   POST /api-key/revoke   revoke the worker's key
 *   POST /api-key/rotate   gateway mode: issue a new key, hand it to the worker, revoke the old one
 *   POST /api-key/set      hand the worker a pasted key (Temporal Cloud)
 * Posts answer htmx with the actions region (and the status region, out of band); without JavaScript,
 * a 303 back to the page, or the page with the error. Nothing here renders, logs or redirects with a key.
 */
import { Hono } from 'hono';
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DONE_MESSAGES, MAX_KEY_LENGTH, type ActionOutcome, type DoneCode } from '../api-key/actions.js';
import type { RouteContext } from '../deps.js';
import { formOnly } from '../middleware/security.js';
import { presenterOnly } from '../middleware/presenter.js';
import { isHtmx, renderPage, renderPartial, renderPresenterOnly } from '../respond.js';
import { field } from '../validate.js';

/** The result line under the actions: a fixed message, or the outcome of the action just taken. */
type Result = { ok: boolean; message: string; field?: 'key' } | undefined;

export function apiKeyRoutes(ctx: RouteContext): Hono {
  const { apiKeys } = ctx;
  const respond = async (c: Context, outcome: ActionOutcome): Promise<Response> => {
    if (isHtmx(c)) {
      // htmx swaps 2xx answers only: errors come back as 200 too, shown next to the buttons.
      const panel = await apiKeys.panel();
      return renderPartial(ctx, c, 'api-key-actions', { ...actionsData(ctx), result: outcome, oobPanel: panel });
    }
    if (outcome.ok) return c.redirect(`/api-key?done=${outcome.done}`, 303);
    return renderKeyPage(ctx, c, outcome, outcome.status);
  };

  return new Hono()
    .use('/api-key/*', noStore) // Hono's /* matches /api-key itself too
    // The key panel is the presenter's alone: the audience gets the friendly 403, reads included.
    .use('/api-key/*', presenterOnly((c) => renderPresenterOnly(ctx, c)))
    .get('/api-key', async (c) => {
      const done = c.req.query('done');
      const result = isDone(done) ? { ok: true, message: DONE_MESSAGES[done] } : undefined;
      return renderKeyPage(ctx, c, result);
    })
    .get('/api-key/status', async (c) => {
      const panel = await apiKeys.panel();
      // A page opened while the worker was unreachable has no buttons: once it answers, reload it whole.
      if (c.req.query('actions') === '0' && panel.available && isHtmx(c)) c.header('HX-Refresh', 'true');
      return renderPartial(ctx, c, 'api-key-status', { panel, actions: c.req.query('actions') !== '0' });
    })
    .post('/api-key/revoke', formOnly, async (c) => respond(c, await apiKeys.revoke()))
    .post('/api-key/rotate', formOnly, async (c) => {
      const revokeOld = field(await c.req.parseBody(), 'revokeOld') === 'on';
      return respond(c, await apiKeys.rotate({ revokeOld }));
    })
    .post('/api-key/set', formOnly, async (c) => respond(c, await apiKeys.set(field(await c.req.parseBody(), 'key'))));
}

async function renderKeyPage(ctx: RouteContext, c: Context, result: Result, status: ContentfulStatusCode = 200): Promise<Response> {
  const panel = await ctx.apiKeys.panel();
  return renderPage(ctx, c, 'api-key', { title: 'API key', nav: 'api-key', panel, actions: panel.available, ...actionsData(ctx), result }, status);
}

function actionsData(ctx: RouteContext) {
  return { mode: ctx.apiKeys.mode, connected: ctx.apiKeys.connected, maxKey: MAX_KEY_LENGTH };
}

function isDone(value: string | undefined): value is DoneCode {
  return value !== undefined && Object.hasOwn(DONE_MESSAGES, value);
}

const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  // A page about credentials: nothing in between keeps a copy, and the back button asks again.
  c.header('Cache-Control', 'no-store');
};
