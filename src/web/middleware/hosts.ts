/**
 * The two checks against DNS rebinding and cross-site posts, both against the configured hosts and origins
 * (room/access.ts), never against what the request says about itself:
 *   allowedHosts   a Host we were not configured for gets 421 before any route runs;
 *   sameOrigin     anything but GET/HEAD/OPTIONS needs an Origin naming one of our pages (403 otherwise).
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Access } from '../room/access.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function allowedHosts(access: Pick<Access, 'isAllowedHost'>): MiddlewareHandler {
  return async (c, next) => {
    const hostname = requestHostname(c.req.header('host') ?? new URL(c.req.url).host);
    if (hostname === undefined || !access.isAllowedHost(hostname)) {
      // Plain text and no echo of the name: the page asking may be an attacker's.
      return c.text('This console does not answer to that host name. The presenter can add it with WEB_PUBLIC_URL.', 421);
    }
    await next();
  };
}

/** Refuses unsafe methods whose Origin is not one of ours; `refuse` renders the friendly page. */
export function sameOrigin(access: Pick<Access, 'isAllowedOrigin'>, refuse: (c: Context) => Response): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || access.isAllowedOrigin(c.req.header('origin'))) return next();
    return refuse(c);
  };
}

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

function requestHostname(host: string): string | undefined {
  try {
    const url = new URL(`http://${host}`);
    // Anything but a bare host[:port] (a path, credentials) is not a Host header.
    return url.host === host.toLowerCase() || `${url.hostname}:80` === host.toLowerCase() ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}
