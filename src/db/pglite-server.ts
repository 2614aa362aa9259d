/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) served over the PostgreSQL wire
 * protocol by pglite-socket, so that every process connects to it with the same `pg` client it would use
 * for any PostgreSQL. PGlite runs one query at a time; the socket server queues the connections' queries
 * and keeps a transaction's queries together. It speaks no TLS and checks no password: it listens on
 * loopback only.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
  /** Where data directory templates are kept (one per PGlite version); default <project>/.cache/pglite-template. */
  templateRoot?: string;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PGLITE_TEMPLATE_ROOT = path.join(ROOT, '.cache', 'pglite-template');

/** Connections the server accepts at once: every process's pool fits (console, two workers, launcher, drills). */
const MAX_CONNECTIONS = 100;

export async function startPgliteServer(options: PgliteServerOptions): Promise<PgliteServer> {
  if (options.dataDir) await prepareDataDir(options.dataDir, options.templateRoot ?? PGLITE_TEMPLATE_ROOT);
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

/**
 * A new data directory starts as a copy of a template: PGlite's initdb runs PostgreSQL's bootstrap in
 * WebAssembly (about 3 s on two cores, most of a cold start), a copy of its result takes a tenth of a second.
 * The template is made once per PGlite version (its initdb, by the first start that needs one) and is a
 * cleanly closed, empty cluster: the migrations run on the copy as on any database. An existing data
 * directory (PG_VERSION present) is opened as it is; a folder holding anything else is left to PGlite.
 */
export async function prepareDataDir(dataDir: string, templateRoot: string): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  if (readdirSync(dataDir).length > 0) return;
  const template = await ensureTemplate(templateRoot);
  // Copied beside it, then renamed over the empty folder: a start killed mid-copy leaves no half a database.
  const staging = `${dataDir}.copying-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  copyTree(template, staging);
  renameSync(staging, dataDir);
}

/** The template for the installed PGlite: made if missing, atomically (parallel starts each make one, one wins). */
export async function ensureTemplate(templateRoot: string): Promise<string> {
  const template = path.join(templateRoot, pgliteVersion());
  if (existsSync(path.join(template, 'PG_VERSION'))) return template;
  mkdirSync(templateRoot, { recursive: true });
  const making = `${template}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    const db = await PGlite.create(making);
    await db.close();
    renameSync(making, template);
  } catch (err) {
    // Another process finished its template first: use that one.
    if (!existsSync(path.join(template, 'PG_VERSION'))) throw err;
  } finally {
    rmSync(making, { recursive: true, force: true });
  }
  return template;
}

/** A plain recursive copy: fs.cpSync's checks cost it 2–4 times as long for the template's thousand files. */
function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copyTree(source, target);
    else copyFileSync(source, target);
  }
}

/** The installed PGlite's version (its package does not export package.json: read from node_modules). */
function pgliteVersion(): string {
  const manifest = path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
