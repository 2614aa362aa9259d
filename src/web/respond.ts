/** Response helpers shared by the routes: full pages in the layout, error pages, htmx detection. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { temporalErrorMessage } from '../temporal/client.js';
import type { RouteContext } from './deps.js';
import { isPresenter } from './middleware/presenter.js';
import type { LayoutData } from './render.js';

export function renderPage(
  ctx: Pick<RouteContext, 'views' | 'client' | 'access'>,
  c: Context,
  name: string,
  data: Omit<LayoutData, 'health' | 'presenter' | 'room'> & Record<string, unknown>,
  status: ContentfulStatusCode = 200,
): Response {
  // The layout's server banner uses the last known state: rendering a page never waits on Temporal.
  const room = { guarded: ctx.access.guarded, exposed: ctx.access.exposed };
  return c.html(ctx.views.page(name, { ...data, health: ctx.client.health(), presenter: isPresenter(c), room }), status);
}

/** A partial for this request's role. */
export function renderPartial(ctx: Pick<RouteContext, 'views'>, c: Context, name: string, data: Record<string, unknown>): Response {
  return c.html(ctx.views.partial(name, { ...data, presenter: isPresenter(c) }));
}

/** The friendly 403 an audience member gets at a presenter's URL. */
export function renderPresenterOnly(ctx: Pick<RouteContext, 'views' | 'client' | 'access'>, c: Context): Response {
  return renderPage(ctx, c, 'presenter-only', { title: 'Only the presenter can do that', status: 403 }, 403);
}

export function renderError(
  ctx: Pick<RouteContext, 'views' | 'client' | 'access'>,
  c: Context,
  status: ContentfulStatusCode,
  title: string,
  message: string,
): Response {
  return renderPage(ctx, c, 'error', { title, status, message }, status);
}

/** True for requests made by htmx (hx-post, hx-get): they get a partial, not a page. */
export function isHtmx(c: Context): boolean {
  return c.req.header('HX-Request') === 'true';
}

/** Short, presentable reason for a failed Temporal call (never a stack trace). */
export function temporalProblem(err: unknown): string {
  const message = temporalErrorMessage(err);
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}
