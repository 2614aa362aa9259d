/**
 * Security headers on every response. The CSP allows scripts and styles from this origin only: no
 * inline <script>, no inline style, no eval — which is why htmx's own indicator styles are turned off
 * in the layout and every bit of JavaScript lives in public/js.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { isSafeMethod } from './hosts.js';

export function securityHeaders(): MiddlewareHandler {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: 'same-origin',
    xContentTypeOptions: 'nosniff',
    xFrameOptions: 'DENY',
    // Served over plain HTTP on a laptop: HSTS would only get in the way.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  });
}

/**
 * Every page is about orders, keys or workers that change by the second: nothing in between keeps a copy,
 * and the back button asks again. Static assets set their own caching first.
 */
export const noStoreByDefault: MiddlewareHandler = async (c, next) => {
  await next();
  if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
};

const FORM_TYPES = /^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

/**
 * Only form posts: every unsafe request must be a form (415 otherwise), and its body is read here, once,
 * so a malformed one (a broken multipart boundary) gets `malformed`'s friendly 400 instead of a 500 from
 * the route. Routes then read the same parsed body (Hono caches it).
 */
export function formPosts(malformed: (c: Context) => Response): MiddlewareHandler {
  return async (c, next) => {
    if (isSafeMethod(c.req.method)) return next();
    if (!FORM_TYPES.test(c.req.header('content-type') ?? '')) return c.text('Send this as a form.', 415);
    try {
      await c.req.parseBody();
    } catch (err) {
      // The body limit's own refusal is its answer, not a malformed form.
      if (err instanceof HTTPException) throw err;
      return malformed(c);
    }
    await next();
  };
}

/** Kept for the routes that name it; formPosts already applies to every unsafe request. */
export const formOnly: MiddlewareHandler = async (c, next) => {
  if (!FORM_TYPES.test(c.req.header('content-type') ?? '')) return c.text('Send this as a form.', 415);
  await next();
};
