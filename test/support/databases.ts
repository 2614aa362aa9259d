/**
 * The two database engines every database test runs against: PGlite served by pglite-socket in this test
 * process (what `npm start` runs by default), and a real PostgreSQL server started for the test on a free
 * port (Debian's `postgresql` package, which `npm test`'s bootstrap installs when missing); each on a
 * throw-away data directory, stopped and removed afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startPgliteServer } from '../../src/db/pglite-server.js';
import { probePort } from '../../src/temporal/devserver.js';

export type Engine = 'pglite' | 'postgres';
export const ENGINES: readonly Engine[] = ['pglite', 'postgres'];

export interface TestDatabase {
  engine: Engine;
  url: string;
  stop(): Promise<void>;
}

export async function startTestDatabase(engine: Engine): Promise<TestDatabase> {
  if (engine === 'pglite') {
    // A throw-away data directory, as `npm start` uses one: a copy of the cached template, not a 3 s initdb.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'order-demo-pglite-'));
    const server = await startPgliteServer({ dataDir, port: 0 });
    return {
      engine,
      url: server.url,
      stop: async () => {
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  return startPostgres();
}

/** The directory of initdb and postgres: PG_BIN, else the newest Debian install, else PATH. */
export function postgresBinDir(): string | undefined {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return path.join(root, versions[0], 'bin');
  }
  const found = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  return found ? path.dirname(found) : undefined;
}

async function startPostgres(): Promise<TestDatabase> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL is not installed: run `node scripts/bootstrap.mjs --test` (it installs Debian\'s postgresql package) or set PG_BIN.');
  const dir = mkdtempSync(path.join(tmpdir(), 'order-demo-pg-'));
  const dataDir = path.join(dir, 'data');
  // PostgreSQL refuses to run as root: as root (a CI container) it runs as the package's postgres user.
  const asUser = process.getuid?.() === 0 ? postgresUser() : undefined;
  if (asUser) chownSync(dir, asUser.uid, asUser.gid);
  const init = spawnSync(path.join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8'], {
    encoding: 'utf8',
    ...asUser,
  });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  const port = await probePort(0);
  const child: ChildProcess = spawn(
    path.join(bin, 'postgres'),
    ['-D', dataDir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    { stdio: ['ignore', 'ignore', 'pipe'], ...asUser },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      // SIGINT: PostgreSQL's fast shutdown.
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilAnswers(url, child, () => log);
  } catch (err) {
    await stop();
    throw err;
  }
  return { engine: 'postgres', url, stop };
}

async function waitUntilAnswers(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`postgres exited: ${log()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`postgres did not answer within 30 s: ${log()}`);
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const uid = id('-u');
  const gid = id('-g');
  if (!(uid > 0)) throw new Error('Running as root, PostgreSQL needs the postgres user (created by Debian\'s postgresql package).');
  return { uid, gid };
}
