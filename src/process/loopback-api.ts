/**
 * What the small JSON APIs between our own processes share (the worker's control channel, the gateway's
 * admin API): a shared secret compared in constant time, no CORS and no browser callers, JSON in and out,
 * bound to loopback unless told otherwise. Only the console's server side calls them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Context, Hono, MiddlewareHandler } from 'hono';

export interface GuardOptions {
  secret: string;
  /** Browser origins allowed to call at all; empty (the default) refuses any request that has an Origin. */
  allowedOrigins?: readonly string[];
}

/** Refuses browser-originated requests (403), a missing or wrong secret (401) and POST bodies that are not JSON (415). */
export function guard({ secret, allowedOrigins = [] }: GuardOptions): MiddlewareHandler {
  if (!secret) throw new Error('A loopback API needs a non-empty shared secret.');
  const expected = digest(secret);
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && !allowedOrigins.includes(origin)) {
      return fail(c, 403, 'forbidden', 'Requests from a browser page are not accepted here.');
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    // Digests have a fixed length, so the comparison time says nothing about the secret's length or prefix.
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      return fail(c, 401, 'unauthorized', 'Missing or wrong shared secret (send Authorization: Bearer <secret>).');
    }
    if (c.req.method === 'POST' && !/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
      return fail(c, 415, 'unsupported-media-type', 'Send the request body as JSON (Content-Type: application/json).');
    }
    await next();
  };
}

/** The request's JSON object body; an empty body counts as {}. Never echoes the body back in an error. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown> | undefined> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function fail(c: Context, status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 502, error: string, message: string): Response {
  return c.json({ error, message }, status);
}

/** Friendly JSON for unknown routes and thrown errors; the error's own text stays out (it may quote input). */
export function jsonFallbacks(app: Hono, onError: (err: Error) => void): void {
  app.notFound((c) => fail(c, 404, 'not-found', `No such endpoint: ${c.req.method} ${c.req.path}.`));
  app.onError((err, c) => {
    onError(err);
    return fail(c, 500, 'internal', 'The request failed; see the server log.');
  });
}

export interface LoopbackServer {
  /** host:port actually bound (a free port when asked for port 0). */
  address: string;
  url: string;
  close(): Promise<void>;
}

export async function serveApp(app: Hono, address: string): Promise<LoopbackServer> {
  const { host, port } = splitHostPort(address);
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const hostPart = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    address: `${hostPart}:${bound.port}`,
    url: `http://${hostPart}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function splitHostPort(address: string): { host: string; port: number } {
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  if (!match || !match[1]) throw new Error(`Expected host:port (e.g. 127.0.0.1:9465), got "${address}".`);
  return { host: match[1], port: Number(match[2]) };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
