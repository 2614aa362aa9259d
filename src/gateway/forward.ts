/**
 * One gRPC call through the gateway: an HTTP/2 stream from the client relayed frame for frame to a stream
 * on the upstream session (headers, messages, trailers, both ways, with flow control from pipe()), and
 * closed on both sides when either side ends, resets or fails.
 */
import http2, { type ClientHttp2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';

const { NGHTTP2_CANCEL, NGHTTP2_NO_ERROR } = http2.constants;

export const GRPC_UNAVAILABLE = 14;
export const GRPC_UNAUTHENTICATED = 16;

export interface ForwardedCall {
  /** Ends the call on both sides; the client gets this status (trailers-only, or after the messages already sent). */
  terminate(code: number, message: string): void;
}

export interface ForwardEvents {
  /** Once, when both sides are done; `cancelled` when the client went away first. */
  onDone(cancelled: boolean): void;
  /** The upstream stream failed (connection refused, reset...). */
  onUpstreamError(err: Error): void;
}

export function forwardCall(down: ServerHttp2Stream, headers: IncomingHttpHeaders, session: ClientHttp2Session, upstreamName: string, events: ForwardEvents): ForwardedCall {
  let settled = false; // true once the client's side has its final status (or is gone)
  let ending = false; // true once we have chosen that status ourselves
  let trailers: OutgoingHttpHeaders | undefined;
  let wantsTrailers = false;
  let upstreamError: Error | undefined;

  const up = session.request(copyHeaders(headers), { endStream: false });
  const sendTrailers = (t: OutgoingHttpHeaders): void => {
    settled = true;
    if (!down.closed && !down.destroyed) down.sendTrailers(t);
  };
  // Ends the client's side with a status of ours: trailers-only before any response, real trailers after.
  const finish = (code: number, message: string): void => {
    if (settled || ending || down.closed || down.destroyed) return;
    ending = true;
    if (!down.headersSent) {
      settled = respondWithStatus(down, code, message);
      return;
    }
    trailers = statusTrailers(code, message);
    up.unpipe(down);
    if (wantsTrailers) sendTrailers(trailers);
    else down.end(); // 'wantTrailers' follows, and sends them
  };

  down.on('error', () => {}); // a client reset surfaces as 'close' below; nothing to report twice
  down.on('close', () => {
    const cancelled = down.rstCode !== NGHTTP2_NO_ERROR && !settled;
    if (!up.closed) up.close(NGHTTP2_CANCEL);
    events.onDone(cancelled);
  });
  down.on('wantTrailers', () => {
    wantsTrailers = true;
    if (trailers) sendTrailers(trailers);
  });
  down.pipe(up);

  up.on('error', (err) => {
    upstreamError = err;
    events.onUpstreamError(err);
  });
  up.on('response', (responseHeaders) => {
    if (settled || down.closed) return;
    if (responseHeaders['grpc-status'] !== undefined) {
      // Trailers-only response (an error without messages): one HEADERS frame that ends the stream.
      settled = true;
      down.respond(copyHeaders(responseHeaders), { endStream: true });
      return;
    }
    down.respond(copyHeaders(responseHeaders), { waitForTrailers: true });
    up.pipe(down);
  });
  up.on('trailers', (received) => {
    if (settled || ending) return;
    trailers = copyHeaders(received);
    if (wantsTrailers) sendTrailers(trailers);
  });
  up.on('close', () => {
    if (settled || (up.rstCode === NGHTTP2_NO_ERROR && trailers)) return; // normal end: pipe() ends the client's side, trailers follow
    const reason = upstreamError ? ` (${describe(upstreamError)})` : '';
    finish(GRPC_UNAVAILABLE, `The Temporal server at ${upstreamName} is unavailable${reason}.`);
  });
  return {
    terminate(code, message) {
      finish(code, message);
      if (!up.closed) up.close(NGHTTP2_CANCEL);
    },
  };
}

/** A trailers-only gRPC response: the status in the only HEADERS frame. False if the response had begun. */
export function respondWithStatus(stream: ServerHttp2Stream, code: number, message: string): boolean {
  if (stream.headersSent || stream.closed || stream.destroyed) return false;
  stream.respond({ ':status': 200, 'content-type': 'application/grpc', ...statusTrailers(code, message) }, { endStream: true });
  return true;
}

function statusTrailers(code: number, message: string): OutgoingHttpHeaders {
  return { 'grpc-status': String(code), 'grpc-message': encodeGrpcMessage(message) };
}

/** gRPC's percent-encoding of grpc-message: printable ASCII except '%' as is, every other byte as %XX. */
export function encodeGrpcMessage(message: string): string {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// String keys only: node adds a symbol listing "sensitive" headers, which must not be sent on as a header.
function copyHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = value;
  return out;
}

function describe(err: Error): string {
  return (err as NodeJS.ErrnoException).code ?? err.message;
}
