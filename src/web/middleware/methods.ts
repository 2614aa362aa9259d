/**
 * 405 with `Allow` for a path that exists under other methods (GET /api-key/revoke), instead of 404.
 * Read from the app's own route table, so it cannot drift from the routes.
 */
import type { Hono } from 'hono';

export function methodsFor(app: Hono, path: string): string[] {
  const methods = new Set<string>();
  for (const route of app.routes) {
    // Middleware (ALL) and the static asset folders are not routes of their own.
    if (route.method === 'ALL' || route.path.endsWith('*')) continue;
    if (patternOf(route.path).test(path)) methods.add(route.method);
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

const patterns = new Map<string, RegExp>();

function patternOf(path: string): RegExp {
  let re = patterns.get(path);
  if (!re) {
    const body = path
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    re = new RegExp(`^${body}/?$`);
    patterns.set(path, re);
  }
  return re;
}
