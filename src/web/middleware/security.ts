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
