/**
 * The outside systems' schema, as numbered migrations applied in order at start by whichever process opens
 * the database first. Each one runs in the same transaction as its row in schema_migrations, behind a
 * transaction-level advisory lock, so concurrent starters (a console and two workers) apply it once.
 * Never edit a migration that has shipped: add the next one.
 */
import type pg from 'pg';
import { PAYMENTS_SCHEMA } from '../payments/schema.js';
import { WAREHOUSE_SCHEMA } from '../warehouse/schema.js';
import { NOTIFICATIONS_SCHEMA } from '../notifications/schema.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'payments', sql: PAYMENTS_SCHEMA },
  { version: 2, name: 'warehouse and supplier', sql: WAREHOUSE_SCHEMA },
  { version: 3, name: 'notifications', sql: NOTIFICATIONS_SCHEMA },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** An arbitrary constant: the lock every starter of this demo takes while it migrates. */
const MIGRATION_LOCK = 7_140_001;

export interface MigrationReport {
  /** Versions this call applied (empty when the schema was current). */
  applied: number[];
  /** The schema version found before (0: a new database). */
  found: number;
}

/** Thrown (and rolled back) when the database knows a version this code does not. */
export class SchemaTooNew extends Error {
  constructor(readonly found: number) {
    super(`schema version ${found} is newer than ${SCHEMA_VERSION}`);
  }
}

export async function migrate(client: pg.ClientBase, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    const found = rows[0]?.version ?? 0;
    const known = migrations[migrations.length - 1]?.version ?? 0;
    if (found > known) throw new SchemaTooNew(found);
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= found) continue;
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return { applied, found };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
