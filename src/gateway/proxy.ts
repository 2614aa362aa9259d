/**
 * The demo's key-checking gateway: a plaintext gRPC (h2c) pass-through on loopback in front of the local
 * dev server, which checks no keys itself. Each call must carry `authorization: Bearer <key>` with a key
 * from the KeyStore; the others get UNAUTHENTICATED. Against Temporal Cloud the server does this, and no
 * gateway runs. Revoking a key also ends that key's open calls, so a worker's long polls stop at once
 * instead of up to a minute later.
 */
import http2, { type ClientHttp2Session, type Http2Session, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import { splitHostPort } from '../process/loopback-api.js';
import { forwardCall, GRPC_UNAUTHENTICATED, GRPC_UNAVAILABLE, respondWithStatus, type ForwardedCall } from './forward.js';
import type { KeyCheck, KeyStore } from './keys.js';

export interface GatewayOptions {
  /** host:port of the plaintext Temporal frontend to forward to. */
  upstream: string;
  keys: KeyStore;
  logger: Logger;
  /** host:port to listen on; default 127.0.0.1:0 (a free port). */
  listen?: string;
}

export interface GatewayStats {
  openCalls: number;
  accepted: number;
  rejected: number;
  /** Calls the client cancelled or reset before they ended. */
  cancelled: number;
  upstreamErrors: number;
}

export interface Gateway {
  /** host:port that clients connect to (with `tls: false`). */
  address: string;
  stats(): GatewayStats;
  /** Stops listening and ends every open call with UNAVAILABLE. */
  close(): Promise<void>;
}

// Larger than HTTP/2's 64 KiB default: a workflow task with a long history is one big message.
const WINDOW_BYTES = 8 * 1024 * 1024;

export async function createGateway({ upstream, keys, logger, listen = '127.0.0.1:0' }: GatewayOptions): Promise<Gateway> {
  const log = logger.child({ component: 'gateway' });
  const counts = { accepted: 0, rejected: 0, cancelled: 0, upstreamErrors: 0 };
  const calls = new Map<ForwardedCall, string>(); // open call -> key id
  const sessions = new Set<Http2Session>();
  const lastWarned = new Map<string, number>();
  let upstreamSession: ClientHttp2Session | undefined;

  const connectUpstream = (): ClientHttp2Session => {
    if (upstreamSession && !upstreamSession.closed && !upstreamSession.destroyed) return upstreamSession;
    const session = http2.connect(`http://${upstream}`, { settings: { initialWindowSize: WINDOW_BYTES } });
    session.on('connect', () => session.setLocalWindowSize(WINDOW_BYTES));
    session.on('error', (err) => log.debug('upstream connection failed', { upstream, err }));
    const forget = (): void => {
      if (upstreamSession === session) upstreamSession = undefined;
    };
    session.on('close', forget);
    session.on('goaway', forget);
    upstreamSession = session;
    return session;
  };

  // One warning per key (or per kind of bad key) per 30 s: a rejected worker retries its polls constantly.
  const warnRejected = (check: Exclude<KeyCheck, { ok: true }>, path: string): void => {
    const subject = check.reason === 'revoked' ? check.id : check.reason;
    const now = Date.now();
    if (now - (lastWarned.get(subject) ?? 0) < 30_000) return;
    lastWarned.set(subject, now);
    log.warn('rejected calls with a bad API key', { reason: check.reason, keyId: check.reason === 'revoked' ? check.id : undefined, path });
  };

  const onStream = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void => {
    stream.on('error', () => {});
    if (!String(headers['content-type'] ?? '').startsWith('application/grpc')) {
      stream.respond({ ':status': 415 }, { endStream: true });
      return;
    }
    const check = keys.check(bearerToken(headers.authorization));
    if (!check.ok) {
      counts.rejected += 1;
      warnRejected(check, String(headers[':path']));
      respondWithStatus(stream, GRPC_UNAUTHENTICATED, rejectionMessage(check));
      return;
    }
    counts.accepted += 1;
    let call: ForwardedCall;
    try {
      call = forwardCall(stream, headers, connectUpstream(), upstream, {
        onDone: (cancelled) => {
          calls.delete(call);
          if (cancelled) counts.cancelled += 1;
        },
        onUpstreamError: () => (counts.upstreamErrors += 1),
      });
    } catch (err) {
      // request() throws when the upstream session is closing; the next call opens a new one.
      upstreamSession = undefined;
      counts.upstreamErrors += 1;
      respondWithStatus(stream, GRPC_UNAVAILABLE, `The Temporal server at ${upstream} is unavailable (${(err as Error).message}).`);
      return;
    }
    calls.set(call, check.id);
  };

  const server = http2.createServer({ settings: { initialWindowSize: WINDOW_BYTES } });
  server.on('stream', onStream);
  server.on('session', (session) => {
    sessions.add(session);
    session.on('connect', () => session.setLocalWindowSize(WINDOW_BYTES));
    session.on('error', (err) => log.debug('client connection error', { err }));
    session.on('close', () => sessions.delete(session));
  });
  const stopListening = keys.onRevoke((id) => {
    for (const [call, keyId] of calls) if (keyId === id) call.terminate(GRPC_UNAUTHENTICATED, 'The API key was revoked.');
  });

  const { host, port } = splitHostPort(listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const address = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  log.info('gateway listening', { address, upstream });

  return {
    address,
    stats: () => ({ openCalls: calls.size, ...counts }),
    async close() {
      stopListening();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const call of calls.keys()) call.terminate(GRPC_UNAVAILABLE, 'The gateway is shutting down.');
      for (const session of sessions) session.close();
      upstreamSession?.close();
      // Clients that keep their connection open would hold close() forever; give them a moment, then cut.
      const timer = setTimeout(() => sessions.forEach((s) => s.destroy()), 2_000);
      await closed;
      clearTimeout(timer);
    },
  };
}

function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value ? /^Bearer\s+(\S+)\s*$/i.exec(value) : null;
  return match?.[1];
}

// Never the key itself: the client already has it, and messages end up in logs.
function rejectionMessage(check: Exclude<KeyCheck, { ok: true }>): string {
  if (check.reason === 'missing') return 'No API key: send `authorization: Bearer <key>` (the SDK\'s apiKey option).';
  if (check.reason === 'revoked') return `The API key ending in ${check.fingerprint} was revoked; rotate the worker to a new key.`;
  return 'Unknown API key: it was never issued by this gateway.';
}
