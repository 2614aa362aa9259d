/**
 * The database foundation against both engines (PGlite over its socket, and a real PostgreSQL started for
 * the test): migrations applied once however many processes start together, a clear refusal of a schema
 * newer than the code, and a clear, password-free error when the database cannot be reached.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { DatabaseError } from '../../src/db/errors.js';
import { SCHEMA_VERSION } from '../../src/db/migrations.js';
import { probePort } from '../../src/temporal/devserver.js';
import { ENGINES, startTestDatabase, type TestDatabase } from '../support/databases.js';

describe.each(ENGINES)('database on %s', (engine) => {
  let server: TestDatabase;
  beforeAll(async () => {
    server = await startTestDatabase(engine);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('applies every migration once when five processes open it at the same time', async () => {
    const dbs = await Promise.all(Array.from({ length: 5 }, () => openDatabase(server.url, { max: 2 })));
    try {
      const applied = dbs.map((db) => db.migrations.applied);
      expect(applied.filter((a) => a.length > 0)).toEqual([Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1)]);
      const { rows } = await dbs[0]!.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      // Seeded once: the three contract items.
      expect((await dbs[0]!.pool.query('SELECT item_id FROM stock')).rowCount).toBe(3);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  it('refuses a schema newer than the code, in one paragraph, and changes nothing', async () => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, 'from the future')", [SCHEMA_VERSION + 1]);
      const err = await openDatabase(server.url).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DatabaseError);
      expect((err as Error).message).toContain(`schema version ${SCHEMA_VERSION + 1}, newer than this code knows (${SCHEMA_VERSION})`);
      expect((err as Error).message).not.toContain('\n');
      expect((await client.query('SELECT max(version) AS v FROM schema_migrations')).rows[0].v).toBe(SCHEMA_VERSION + 1);
    } finally {
      await client.query('DELETE FROM schema_migrations WHERE version > $1', [SCHEMA_VERSION]);
      await client.end();
    }
  });
});

describe('an unreachable database', () => {
  it('stops the start with one paragraph naming host, port and what to do, never the password', async () => {
    const port = await probePort(0); // free, so nothing answers there
    const url = `postgres://shop:s3cret-Pa55word@127.0.0.1:${port}/orders`;
    const err = await openDatabase(url, { connectTimeoutMs: 2000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseError);
    const message = (err as Error).message;
    expect(message).toContain(`Cannot reach the database at 127.0.0.1:${port}/orders`);
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('s3cret-Pa55word');
    expect(message).not.toContain('shop:');
    expect(message).not.toContain('\n');
  });
});
