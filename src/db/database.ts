/**
 * The one database client of every process (console, workers, launcher, tests): a `pg` Pool on DATABASE_URL,
 * whether it points at the embedded PGlite server that `npm start` runs or at any PostgreSQL. Opening it
 * checks that it answers and applies the migrations, so a process either starts with the current schema or
 * stops with one clear paragraph (errors.ts).
 */
import pg from 'pg';
import type { Logger } from '../logger.js';
import { DatabaseError, describeDatabase, redactUrl, schemaTooNew, unreachable } from './errors.js';
import { migrate, SCHEMA_VERSION, SchemaTooNew, type MigrationReport } from './migrations.js';

/** A connection in a transaction, or the database itself (each statement in its own transaction). */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface Database {
  readonly pool: pg.Pool;
  /** host:port/database, never the user or password. */
  readonly target: string;
  /** What opening it migrated. */
  readonly migrations: MigrationReport;
  /**
   * Runs `fn` in one transaction (READ COMMITTED), retried from the start on a deadlock or a serialization
   * failure: a system's effect and its idempotency key commit together or not at all.
   */
  transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /**
   * One statement, in a transaction of its own. Every parameterised statement goes through a transaction:
   * the embedded server (pglite-socket) serves many connections from one session and keeps a connection's
   * protocol messages together only inside a transaction; outside one, another connection's statement could
   * run between this one's parse and its execution.
   */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  close(): Promise<void>;
}

export interface OpenOptions {
  logger?: Logger;
  /** Connections this process holds at most (the embedded server serves them one query at a time anyway). */
  max?: number;
  /** How long to wait for a connection before the start fails (ms). */
  connectTimeoutMs?: number;
  /**
   * Keep trying a refused connection for this long (ms): a part that `npm start` starts while its embedded
   * database is still starting (ORDER_DEMO_AWAIT_SERVER) waits for it instead of failing.
   */
  waitForServerMs?: number;
}

/** How long a part started by `npm start` waits for the embedded database to accept connections. */
export const DATABASE_WAIT_MS = 120_000;

/** Postgres error codes worth running the transaction again for. */
const RETRYABLE = new Set(['40001', '40P01']);
const ATTEMPTS = 5;

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const target = describeDatabase(url);
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000 });
  // An idle connection that breaks (the embedded server restarted) is dropped by the pool; without a
  // listener the error would end the process.
  pool.on('error', (err) => options.logger?.warn('Database connection lost; the next query reconnects', { database: target, error: redactUrl(err.message, url) }));
  let migrations: MigrationReport;
  try {
    const client = await connectWhenUp(pool, options.waitForServerMs ?? 0);
    try {
      migrations = await migrate(client);
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (err instanceof SchemaTooNew) throw schemaTooNew(url, err.found, SCHEMA_VERSION);
    if (err instanceof DatabaseError) throw err;
    throw unreachable(url, err);
  }
  if (migrations.applied.length) options.logger?.info('Database migrated', { database: target, from: migrations.found, applied: migrations.applied.join(',') });
  return {
    pool,
    target,
    migrations,
    transaction: (fn) => inTransaction(pool, fn),
    query: (text, params) => inTransaction(pool, (c) => c.query(text, params)),
    close: () => pool.end(),
  };
}

/** A connection, retried while the server refuses them (it is starting) until `waitMs` have passed. */
async function connectWhenUp(pool: pg.Pool, waitMs: number): Promise<pg.PoolClient> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      return await pool.connect();
    } catch (err) {
      const code = (err as { code?: string }).code;
      // ECONNREFUSED: nothing listens yet; 57P03: PostgreSQL is starting up.
      if (Date.now() >= deadline || !(code === 'ECONNREFUSED' || code === '57P03')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (attempt >= ATTEMPTS || !RETRYABLE.has((err as { code?: string }).code ?? '')) throw err;
    } finally {
      client.release();
    }
  }
}
