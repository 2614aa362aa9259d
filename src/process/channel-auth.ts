/**
 * Mutual authentication of the small JSON APIs between our own processes (the worker's control channel,
 * the gateway's admin API), without the shared secret ever crossing the wire:
 *
 * - the caller signs each request: HMAC(secret, method, path, time, nonce, body hash), a fresh random nonce
 *   each time; the server refuses a wrong MAC, a time more than 30 s off and a nonce it has seen (replays);
 * - a request body is sealed (AES-256-GCM under a key derived from the secret and the nonce): a key being
 *   handed to the worker is unreadable to whatever else answers on that port;
 * - the server proves it holds the secret too: HMAC(secret, nonce, status, body hash) in `x-control-proof`,
 *   which the caller checks before it believes a word of the answer.
 * A process that squats the port without the secret gets a nonce, a MAC and ciphertext, and its answers
 * are refused.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const AUTH_SCHEME = 'Control';
export const NONCE_HEADER = 'x-control-nonce';
export const TIME_HEADER = 'x-control-time';
export const PROOF_HEADER = 'x-control-proof';
/** How far a request's time may be from the server's (same machine: only scheduling delays). */
export const MAX_SKEW_MS = 30_000;

export interface SignedRequest {
  nonce: string;
  headers: Record<string, string>;
  /** The sealed body (JSON text), when there is one. */
  body: string | undefined;
}

/** Signs (and seals the body of) one request; `path` includes the query string, if any. */
export function signRequest(secret: string, method: string, path: string, plainBody?: string, now = Date.now()): SignedRequest {
  const nonce = randomBytes(16).toString('base64url');
  const time = String(now);
  const body = plainBody === undefined ? undefined : JSON.stringify({ sealed: seal(secret, nonce, method, path, plainBody) });
  const headers: Record<string, string> = {
    authorization: `${AUTH_SCHEME} ${requestMac(secret, method, path, time, nonce, body ?? '')}`,
    [NONCE_HEADER]: nonce,
    [TIME_HEADER]: time,
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return { nonce, headers, body };
}

export interface IncomingRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  nonce: string | undefined;
  time: string | undefined;
  body: string;
}

/** Why a request is refused, or undefined when its MAC, time and nonce are right (the caller remembers the nonce). */
export function requestProblem(secret: string, req: IncomingRequest, now = Date.now()): string | undefined {
  const match = new RegExp(`^${AUTH_SCHEME} ([A-Za-z0-9_-]{43})$`).exec(req.authorization ?? '');
  if (!match || !req.nonce || !/^[A-Za-z0-9_-]{22}$/.test(req.nonce) || !req.time || !/^\d{1,15}$/.test(req.time)) {
    return `Unsigned request (sign it with the shared secret: ${AUTH_SCHEME} scheme).`;
  }
  if (Math.abs(now - Number(req.time)) > MAX_SKEW_MS) return 'The request is too old (or its clock is off).';
  if (!equal(match[1]!, requestMac(secret, req.method, req.path, req.time, req.nonce, req.body))) {
    return 'Wrong signature: the two ends do not share the same secret.';
  }
  return undefined;
}

/** The plain body of a signed request (undefined when it is not a body this secret and nonce sealed). */
export function openBody(secret: string, nonce: string, method: string, path: string, body: string): string | undefined {
  try {
    const { sealed } = JSON.parse(body) as { sealed?: unknown };
    if (typeof sealed !== 'string') return undefined;
    const bytes = Buffer.from(sealed, 'base64url');
    if (bytes.length < 28) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', sealKey(secret, nonce), bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(`${method}\n${path}`));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** The server's proof for its answer to the request that carried `nonce`. */
export function responseProof(secret: string, nonce: string, status: number, body: string): string {
  return mac(secret, ['response', nonce, String(status), hash(body)]);
}

export function isProvenResponse(secret: string, nonce: string, status: number, body: string, proof: string | null): boolean {
  return proof !== null && equal(proof, responseProof(secret, nonce, status, body));
}

/** Nonces seen lately: a request replayed within the time window is refused. */
export function nonceMemory(windowMs = 2 * MAX_SKEW_MS): { seen(nonce: string, now?: number): boolean } {
  const seen = new Map<string, number>();
  return {
    seen(nonce, now = Date.now()) {
      for (const [n, at] of seen) {
        if (now - at <= windowMs) break; // insertion order is time order
        seen.delete(n);
      }
      if (seen.has(nonce)) return true;
      seen.set(nonce, now);
      return false;
    },
  };
}

function seal(secret: string, nonce: string, method: string, path: string, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(secret, nonce), iv);
  cipher.setAAD(Buffer.from(`${method}\n${path}`));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
}

function requestMac(secret: string, method: string, path: string, time: string, nonce: string, body: string): string {
  return mac(secret, ['request', method.toUpperCase(), path, time, nonce, hash(body)]);
}

function sealKey(secret: string, nonce: string): Buffer {
  return createHmac('sha256', secret).update(`seal\n${nonce}`).digest();
}

function mac(secret: string, parts: string[]): string {
  return createHmac('sha256', secret).update(parts.join('\n')).digest('base64url');
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
