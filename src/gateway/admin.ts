/**
 * The gateway's admin API, for the console's server side only: list keys and their counters, issue a key,
 * revoke one. A key string leaves the gateway exactly once, in the body of the response that issued it.
 *
 *   GET  /keys              → { keys: KeyInfo[], unknown: UnknownKeyStats }
 *   POST /keys { label }    → 201 IssuedKey (the only response that carries a key)
 *   POST /keys/:id/revoke   → { key: KeyInfo }, 404 if there is no such key
 *   GET  /stats             → GatewayStats & { address }
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from '../logger.js';
import { fail, guard, jsonFallbacks, readJsonObject, serveApp, type LoopbackServer } from '../process/loopback-api.js';
import type { IssuedKey, KeyInfo, KeyStore, UnknownKeyStats } from './keys.js';
import type { Gateway, GatewayStats } from './proxy.js';

export interface AdminOptions {
  keys: KeyStore;
  gateway: Pick<Gateway, 'address' | 'stats'>;
  /** Shared secret the console signs its requests with (process/channel-auth.ts); it never crosses the wire. */
  secret: string;
  /** Browser origins allowed to call; none by default (the console calls from its server). */
  allowedOrigins?: readonly string[];
  logger: Logger;
}

export interface KeyList {
  keys: KeyInfo[];
  unknown: UnknownKeyStats;
}
export type GatewayStatsResponse = GatewayStats & { address: string };
export type { IssuedKey, KeyInfo, UnknownKeyStats };

const LABEL = /^[\p{L}\p{N} ._:-]{1,64}$/u;

export function createAdminApp({ keys, gateway, secret, allowedOrigins, logger }: AdminOptions): Hono {
  const log = logger.child({ component: 'gateway-admin' });
  const app = new Hono();
  jsonFallbacks(app, (err) => log.error('admin request failed', { err }));
  // Nothing here may be cached by anything in between; one response carries a key.
  app.use('*', async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });
  app.use('*', bodyLimit({ maxSize: 4 * 1024, onError: (c) => fail(c, 413, 'too-large', 'The request body is too large.') }));
  // After the limit: the guard reads the body to check its signature.
  app.use('*', guard({ secret, allowedOrigins }));

  app.get('/keys', (c) => c.json({ keys: keys.list(), unknown: keys.unknownStats() } satisfies KeyList));

  app.post('/keys', async (c) => {
    const body = await readJsonObject(c);
    const label = typeof body?.label === 'string' ? body.label.trim() : undefined;
    if (!label || !LABEL.test(label)) {
      return fail(c, 400, 'bad-label', 'Send { "label": "..." }: 1 to 64 letters, digits, spaces or . _ : -');
    }
    const issued = keys.issue(label);
    log.info('issued an API key', { keyId: issued.id, label, fingerprint: issued.fingerprint });
    return c.json(issued satisfies IssuedKey, 201);
  });

  app.post('/keys/:id/revoke', (c) => {
    const id = c.req.param('id');
    if (!keys.revoke(id)) return fail(c, 404, 'no-such-key', `There is no key with id ${JSON.stringify(id.slice(0, 64))}.`);
    const info = keys.get(id)!;
    log.info('revoked an API key', { keyId: id, label: info.label, fingerprint: info.fingerprint });
    return c.json({ key: info });
  });

  app.get('/stats', (c) => c.json({ address: gateway.address, ...gateway.stats() } satisfies GatewayStatsResponse));
  return app;
}

/** Serves the admin API on `address` (host:port; loopback unless you mean otherwise). */
export async function startAdminServer(options: AdminOptions & { address: string }): Promise<LoopbackServer> {
  const server = await serveApp(createAdminApp(options), options.address);
  options.logger.info('gateway admin API listening', { component: 'gateway-admin', url: server.url });
  return server;
}
