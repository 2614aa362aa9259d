/**
 * Presenter or audience, decided once per request: `c.get('presenter')`. Unguarded (loopback, no public URL,
 * no PRESENTER_TOKEN) everyone is the presenter, as before; guarded, only a live session cookie is.
 * `presenterOnly` refuses, with the friendly 403 page, every unsafe method but signing in and out: a route
 * added later is guarded without anyone remembering to.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Access } from '../room/access.js';
import { SESSION_COOKIE, type Sessions } from '../room/sessions.js';
import { isSafeMethod } from './hosts.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The request may change things (and sees the forms). */
    presenter: boolean;
  }
}

/** What anyone may post: signing in needs no session, signing out ends one. */
const OPEN_POSTS = new Set(['/presenter/sign-in', '/presenter/sign-out']);

export function presenterRole(access: Pick<Access, 'guarded'>, sessions: Pick<Sessions, 'isSession'>): MiddlewareHandler {
  return async (c, next) => {
    c.set('presenter', !access.guarded || sessions.isSession(getCookie(c, SESSION_COOKIE)));
    await next();
  };
}

/**
 * Unsafe methods need the presenter (see OPEN_POSTS). `audiencePosts`: exact paths the audience may POST
 * to as well (the room cart's add, which limits itself per viewer).
 */
export function presenterPosts(refuse: (c: Context) => Response, audiencePosts: ReadonlySet<string> = new Set()): MiddlewareHandler {
  return async (c, next) => {
    if (isSafeMethod(c.req.method) || OPEN_POSTS.has(c.req.path) || isPresenter(c)) return next();
    if (c.req.method === 'POST' && audiencePosts.has(c.req.path)) return next();
    return refuse(c);
  };
}

/** For the few reads that are the presenter's alone (the API key panel). */
export function presenterOnly(refuse: (c: Context) => Response): MiddlewareHandler {
  return async (c, next) => (isPresenter(c) ? next() : refuse(c));
}

export function isPresenter(c: Context): boolean {
  return c.get('presenter') === true;
}
