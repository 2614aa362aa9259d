/**
 * Who may use the JSON API, checked before any of its routes runs (the pages' form and origin rules do
 * not apply to it: scripts send JSON and no Origin).
 *  - Anything that changes state must be `application/json`: a page on another site cannot send that
 *    without a CORS preflight, which this console never grants, so no cross-site request gets through.
 *    A browser's Origin, when sent, must be one of ours all the same.
 *  - When the console is shared (guarded), it must come from the presenter: a session cookie, or
 *    `Authorization: Bearer <PRESENTER_TOKEN>` for scripts. Reads are open like the audience's pages.
 * The Host allowlist, which runs for every request, already refused DNS rebinding.
 */
import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { isSafeMethod } from '../middleware/hosts.js';
import { isPresenter } from '../middleware/presenter.js';
import type { Access } from '../room/access.js';

export function apiAccess(access: Pick<Access, 'guarded' | 'isAllowedOrigin'>, presenterToken: string | undefined): MiddlewareHandler {
  return async (c, next) => {
    if (isSafeMethod(c.req.method)) return next();
    if (!/^application\/json\b/i.test(c.req.header('content-type') ?? '')) return c.json({ error: 'Send a JSON body (Content-Type: application/json).' }, 415);
    const origin = c.req.header('origin');
    if (origin !== undefined && !access.isAllowedOrigin(origin)) return c.json({ error: 'Requests from other sites are refused.' }, 403);
    if (access.guarded && !isPresenter(c) && !bearerMatches(c.req.header('authorization'), presenterToken)) {
      return c.json({ error: 'Only the presenter can do that: sign in, or send Authorization: Bearer <PRESENTER_TOKEN>.' }, 403);
    }
    return next();
  };
}

function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token || !header?.startsWith('Bearer ')) return false;
  const given = Buffer.from(header.slice('Bearer '.length).trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
