/**
 * The embedded database's data directory template, with real PGlite: a new data directory is a copy of the
 * template (made once, even by parallel starts), an existing one is opened as it is (its data kept), and a
 * copy never carries another database's data.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTemplate, prepareDataDir, startPgliteServer } from './pglite-server.js';

const work = mkdtempSync(path.join(tmpdir(), 'pglite-template-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function query(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('the embedded database data directory template', () => {
  it('makes one template for parallel starts, and leaves no half-made one behind', async () => {
    const root = path.join(work, 'parallel');
    const made = await Promise.all([ensureTemplate(root), ensureTemplate(root), ensureTemplate(root)]);
    expect(new Set(made).size).toBe(1);
    expect(existsSync(path.join(made[0]!, 'PG_VERSION'))).toBe(true);
    expect(readdirSync(root)).toEqual([path.basename(made[0]!)]);
  }, 60_000);

  it('starts a new data directory from the template, keeps its data over a restart, and gives the next new one none of it', async () => {
    const root = path.join(work, 'templates');
    const first = path.join(work, 'first');
    let server = await startPgliteServer({ dataDir: first, port: 0, templateRoot: root });
    try {
      expect(readdirSync(root)).toHaveLength(1);
      await query(server.url, 'CREATE TABLE kept (note text); INSERT INTO kept VALUES ($$still here$$)');
    } finally {
      await server.stop();
    }

    server = await startPgliteServer({ dataDir: first, port: 0, templateRoot: root });
    try {
      expect(await query(server.url, 'SELECT note FROM kept')).toEqual([{ note: 'still here' }]);
    } finally {
      await server.stop();
    }

    const second = path.join(work, 'second');
    server = await startPgliteServer({ dataDir: second, port: 0, templateRoot: root });
    try {
      expect(await query(server.url, "SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'kept'")).toEqual([{ n: 0 }]);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('leaves a folder that holds something else to PGlite, copying nothing into it', async () => {
    const dir = path.join(work, 'occupied');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    await prepareDataDir(dir, path.join(work, 'unused-templates'));
    expect(readdirSync(dir)).toEqual(['notes.txt']);
    expect(existsSync(path.join(work, 'unused-templates'))).toBe(false);
  });
});
