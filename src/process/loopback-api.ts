/**
 * What the small JSON APIs between our own processes share (the worker's control channel, the gateway's
 * admin API): signed requests and signed answers under a shared secret that never crosses the wire
 * (channel-auth.ts), no CORS and no browser callers, JSON in and out, bound to loopback unless told
 * otherwise. Only the console's server side calls them.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { NONCE_HEADER, PROOF_HEADER, TIME_HEADER, nonceMemory, openBody, requestProblem, responseProof } from './channel-auth.js';

export interface GuardOptions {
  secret: string;
  /** Browser origins allowed to call at all; empty (the default) refuses any request that has an Origin. */
  allowedOrigins?: readonly string[];
}

/** The opened (plain) JSON body of each request the guard let through. */
const openedBodies = new WeakMap<Request, string>();

/**
 * Refuses browser-originated requests (403), unsigned, wrongly signed, stale or replayed requests (401),
 * POST bodies that are not JSON (415) or not sealed with the secret (400); signs every answer to a request
 * that carried a nonce, refusals included, so the caller knows it spoke to the holder of the secret.
 */
export function guard({ secret, allowedOrigins = [] }: GuardOptions): MiddlewareHandler {
  if (!secret) throw new Error('A loopback API needs a non-empty shared secret.');
  const nonces = nonceMemory();
  return async (c, next) => {
    const nonce = c.req.header(NONCE_HEADER);
    // A new Response rather than a header set on the old one: the Node adapter may already have fixed its headers.
    const signed = async (res: Response): Promise<Response> => {
      if (!nonce) return res;
      const text = await res.text();
      const headers = new Headers(res.headers);
      headers.set(PROOF_HEADER, responseProof(secret, nonce, res.status, text));
      return new Response(text, { status: res.status, headers });
    };
    const origin = c.req.header('origin');
    if (origin !== undefined && !allowedOrigins.includes(origin)) {
      return signed(fail(c, 403, 'forbidden', 'Requests from a browser page are not accepted here.'));
    }
    const url = new URL(c.req.url);
    const path = url.pathname + url.search;
    const body = await c.req.text();
    const problem = requestProblem(secret, {
      method: c.req.method, path, authorization: c.req.header('authorization'), nonce, time: c.req.header(TIME_HEADER), body,
    });
    if (problem) return signed(fail(c, 401, 'unauthorized', problem));
    if (nonces.seen(nonce!)) return signed(fail(c, 401, 'replayed', 'This request was sent before: each is accepted once.'));
    if (c.req.method === 'POST' && !/^application\/json\b/i.test(c.req.header('content-type') ?? '')) {
      return signed(fail(c, 415, 'unsupported-media-type', 'Send the request body as JSON (Content-Type: application/json).'));
    }
    if (body !== '') {
      const plain = openBody(secret, nonce!, c.req.method, path, body);
      if (plain === undefined) return signed(fail(c, 400, 'not-sealed', 'The body must be sealed with the shared secret.'));
      openedBodies.set(c.req.raw, plain);
    }
    await next();
    c.res = await signed(c.res);
  };
}

/** The request's JSON object body (as the guard opened it); an empty body counts as {}. Never echoes the body back in an error. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown> | undefined> {
  const text = openedBodies.get(c.req.raw) ?? (await c.req.text());
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
