/** The database's failures as a presenter reads them: one paragraph each, never the URL's password. */

export class DatabaseError extends Error {
  override name = 'DatabaseError';
}

/**
 * Where a DATABASE_URL points, without its user name or password: `host:port/database`, safe for logs,
 * pages and error messages.
 */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || 'localhost';
    return `${host}:${u.port || '5432'}${u.pathname && u.pathname !== '/' ? u.pathname : '/postgres'}`;
  } catch {
    return 'the configured database';
  }
}

export function unreachable(url: string, cause: unknown): DatabaseError {
  const reason = redactUrl(cause instanceof Error ? cause.message : String(cause), url).split('\n')[0];
  return new DatabaseError(
    `Cannot reach the database at ${describeDatabase(url)} (${reason}). The simulated payment provider, warehouse, ` +
      'supplier and notifications keep their records there. Check that PostgreSQL runs and accepts connections ' +
      'from this machine, and that DATABASE_URL names the right host, port, database, user and password; or ' +
      'unset DATABASE_URL to let `npm start` run its embedded database (PGlite, data in .data/pglite/).',
  );
}

export function schemaTooNew(url: string, found: number, known: number): DatabaseError {
  return new DatabaseError(
    `The database at ${describeDatabase(url)} has schema version ${found}, newer than this code knows (${known}): ` +
      'a newer version of the demo has migrated it. Run the newer code, or point DATABASE_URL at another ' +
      'database (or, for the embedded one, remove .data/pglite/ to start afresh). Nothing was changed.',
  );
}

/** A message with any copy of the URL or its password taken out. */
export function redactUrl(message: string, url: string): string {
  let out = message.split(url).join(describeDatabase(url));
  try {
    const password = decodeURIComponent(new URL(url).password);
    if (password) out = out.split(password).join('[redacted]');
  } catch {
    // Not a URL: nothing more to take out.
  }
  return out;
}
