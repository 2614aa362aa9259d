/**
 * Security headers on every response. The CSP allows scripts and styles from this origin only: no
 * inline <script>, no inline style, no eval — which is why htmx's own indicator styles are turned off
 * in the layout and every bit of JavaScript lives in public/js.
 */
import { secureHeaders } from 'hono/secure-headers';
import type { MiddlewareHandler } from 'hono';

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
 * Only form posts: the CSRF middleware checks the Origin of form content types (and bodiless posts),
 * so insisting on a form keeps every action inside that check.
 */
export const formOnly: MiddlewareHandler = async (c, next) => {
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(c.req.header('content-type') ?? '')) {
    return c.text('Send this as a form.', 415);
  }
  await next();
};
