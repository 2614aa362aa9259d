/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) served over the PostgreSQL wire
 * protocol by pglite-socket, so that every process connects to it with the same `pg` client it would use
 * for any PostgreSQL. PGlite runs one query at a time; the socket server queues the connections' queries
 * and keeps a transaction's queries together. It speaks no TLS and checks no password: it listens on
 * loopback only.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface PgliteServer {
  /** postgres://postgres@127.0.0.1:<port>/postgres (no password: there is none). */
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface PgliteServerOptions {
  /** Data directory (created if missing); undefined: in memory. */
  dataDir: string | undefined;
  /** 0 picks a free port. */
  port: number;
  host?: string;
}

/** Connections the server accepts at once: every process's pool fits (console, two workers, launcher, drills). */
const MAX_CONNECTIONS = 100;

export async function startPgliteServer(options: PgliteServerOptions): Promise<PgliteServer> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir);
  const host = options.host ?? '127.0.0.1';
  const server = new PGLiteSocketServer({ db, host, port: options.port, maxConnections: MAX_CONNECTIONS });
  let port = options.port;
  server.addEventListener('listening', (event) => {
    const detail = (event as CustomEvent<{ port?: number }>).detail;
    if (detail?.port) port = detail.port;
  });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    throw err;
  }
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    port,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
