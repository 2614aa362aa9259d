/**
 * One browser on one live stream (an order, a cart, the courier board), from connect to leaving: counted
 * in the viewers gauge, fed one write at a time in order, kept open through proxies by a comment every
 * 15 s, and ended when the browser leaves, a write fails (it has gone), or `send` says there is nothing
 * more to follow (an order that ended).
 */
import type { SSEStreamingApi } from 'hono/streaming';

/** A comment this often keeps proxies and the browser from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

export interface ViewerOptions<M> {
  stream: SSEStreamingApi;
  viewers: { inc(): void; dec(): void };
  /** Written first, before any message (the stream's hello, with its reconnect delay). */
  hello?: () => Promise<void>;
  /** Registers the listener; returns what unregisters it. */
  subscribe: (listener: (message: M) => void) => () => void;
  /**
   * Writes what a message changes; `finish` ends the stream once nothing more can change; `later` queues a
   * write after those already queued (for what is read after the message, without holding back the next).
   */
  send: (message: M, finish: () => void, later: (write: () => Promise<unknown>) => void) => Promise<void>;
}

/** Serves the viewer until it leaves or `send` finishes; resolves once its writes are done and it is unsubscribed. */
export async function serveViewer<M>({ stream, viewers, hello, subscribe, send }: ViewerOptions<M>): Promise<void> {
  viewers.inc();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let writes = (hello?.() ?? Promise.resolve()).catch(() => finish());
  const queue = (write: () => Promise<unknown>): void => {
    writes = writes.then(write).then(() => undefined, () => finish());
  };
  const unsubscribe = subscribe((message) => queue(() => send(message, finish, queue)));
  const keepalive = setInterval(() => queue(() => stream.write(': keepalive\n\n')), KEEPALIVE_MS);
  keepalive.unref();
  stream.onAbort(finish);
  try {
    await finished;
    await writes;
  } finally {
    clearInterval(keepalive);
    unsubscribe();
    viewers.dec();
  }
}
