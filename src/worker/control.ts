/**
 * The worker's control channel: the console's server side tells the running worker to switch API key
 * (live, through NativeConnection.setApiKey) or to deploy or undo the bug fix. Loopback by default, no
 * browser callers, and authenticated both ways under a shared secret that never crosses the wire: signed,
 * sealed requests and signed answers (process/channel-auth.ts), so a process squatting the port learns
 * neither the secret nor a key. The key never appears in a response, a log line or an error message: only
 * its last 4 characters do.
 *
 *   GET  /status           → WorkerStatus (the key by fingerprint, refused polls, the fix, whether it polls now)
 *   POST /api-key { key }  → { apiKey }   switch to a new key
 *   POST /api-key/revoke   → { apiKey }   switch to REVOKED_API_KEY_PLACEHOLDER
 *   POST /deploy-fix       → { fixDeployed: true, changed }   changed: false when it was deployed already
 *   POST /restore-bug      → { fixDeployed: false, changed }  likewise
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { redact, type Logger } from '../logger.js';
import { fail, guard, jsonFallbacks, readJsonObject, serveApp, type LoopbackServer } from '../process/loopback-api.js';

/**
 * What the worker presents after "revoke". The SDK refuses an empty key (it throws), and sending no key at
 * all cannot be chosen once a key was set; a fixed, obviously fake key makes every call fail
 * UNAUTHENTICATED on the gateway and on Temporal Cloud alike, and reads clearly in any server log.
 */
export const REVOKED_API_KEY_PLACEHOLDER = 'revoked-by-operator';

export interface ApiKeyState {
  /** Last 4 characters of the key in use; null after revoke. */
  fingerprint: string | null;
  /** When this key was set (for the start-up key: when the control channel started). */
  rotatedAt: string;
  revoked: boolean;
}

export interface PollRejections {
  count: number;
  lastAt: string | null;
}

/**
 * Whether the worker polls right now, and if not, why (see health.ts pollingStatus). Optional: a worker
 * that does not tell (an older one, a test double) leaves the console to judge from refused polls alone.
 */
export interface PollingState {
  /** The Worker runs and the server accepts its polls. False while FAILED, being recreated, or refused. */
  polling?: boolean;
  /** The SDK Worker's state (RUNNING, DRAINING...), or FAILED / RECREATING while the worker makes a new one. */
  workerState?: string;
  /** Why it does not poll, in words (gRPC status names only); null while it polls. */
  pollingProblem?: string | null;
  /** The identity the server lists among the task queue's pollers (to tell this worker from others). */
  identity?: string;
}

export interface WorkerStatus extends PollingState {
  /** null when the worker connects without an API key. */
  apiKey: ApiKeyState | null;
  pollRejections: PollRejections;
  fixDeployed: boolean;
}

/** The answer of /deploy-fix and /restore-bug. */
export interface FixState {
  fixDeployed: boolean;
  /** False when the worker already ran that code: nothing was redeployed. */
  changed: boolean;
}

export type WorkerSelfStatus = Omit<WorkerStatus, 'apiKey'>;

export interface ControlHandlers {
  /** Applies a key to the live connection: `(key) => connection.setApiKey(key)`. */
  setApiKey(key: string): Promise<void>;
  /** Called only when the fix is not deployed (status().fixDeployed is false); likewise restoreBug. */
  deployFix(): Promise<void>;
  restoreBug(): Promise<void>;
  /** What only the worker knows about itself. */
  status(): WorkerSelfStatus | Promise<WorkerSelfStatus>;
}

export interface ControlServerOptions {
  /** host:port; keep it on loopback (127.0.0.1:9465 by default in config). Port 0 picks a free one. */
  address: string;
  secret: string;
  handlers: ControlHandlers;
  logger: Logger;
  /** The key the worker connected with, if any: only its fingerprint is kept. */
  initialApiKey?: string;
}

const MAX_KEY_LENGTH = 8 * 1024;

export function createControlApp({ secret, handlers, logger, initialApiKey }: Omit<ControlServerOptions, 'address'>): Hono {
  const log = logger.child({ component: 'worker-control' });
  // A worker restarted by the supervisor after a revoke starts with the placeholder: still revoked.
  let apiKey: ApiKeyState | null = initialApiKey
    ? initialApiKey === REVOKED_API_KEY_PLACEHOLDER
      ? { fingerprint: null, rotatedAt: now(), revoked: true }
      : { fingerprint: initialApiKey.slice(-4), rotatedAt: now(), revoked: false }
    : null;
  // One key change at a time, so the reported key is the one the connection really has; likewise one
  // redeploy at a time. Separate queues: a key rotation must not wait for a slow redeploy.
  const keyChanges = serial();
  const redeploys = serial();
  const applyKey = async (key: string, revoked: boolean): Promise<ApiKeyState> => {
    await keyChanges(() => handlers.setApiKey(key));
    apiKey = { fingerprint: revoked ? null : key.slice(-4), rotatedAt: now(), revoked };
    log.info(revoked ? 'API key revoked on the worker' : 'API key rotated', { fingerprint: apiKey.fingerprint ?? undefined });
    return apiKey;
  };
  const failure = (what: string, err: unknown, hide: string[]): string => {
    const message = redact(err instanceof Error ? err.message : String(err), [...hide, secret]);
    log.error(`${what} failed`, { error: message });
    return `${what} failed: ${message}`;
  };

  const app = new Hono();
  jsonFallbacks(app, (err) => log.error('control request failed', { error: redact(err.message, [secret]) }));
  // The limit first: the guard reads the body to check its signature. A sealed key is about 4/3 of its size.
  app.use('*', bodyLimit({ maxSize: 2 * MAX_KEY_LENGTH + 1024, onError: (c) => fail(c, 413, 'too-large', 'The request body is too large.') }));
  app.use('*', guard({ secret }));

  app.get('/status', async (c) => c.json({ apiKey, ...(await handlers.status()) } satisfies WorkerStatus));

  app.post('/api-key', async (c) => {
    const body = await readJsonObject(c);
    if (!body || typeof body.key !== 'string') return fail(c, 400, 'bad-request', 'Send { "key": "<the new API key>" } as JSON.');
    const key = body.key.trim();
    if (key === '') return fail(c, 400, 'empty-key', 'The API key is empty: paste the new key (to stop the worker, use revoke).');
    if (key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
      return fail(c, 400, 'bad-key', 'The API key must be printable ASCII without spaces, at most 8 KiB: it travels in an HTTP header.');
    }
    try {
      return c.json({ apiKey: await applyKey(key, false) });
    } catch (err) {
      return fail(c, 502, 'set-api-key-failed', failure('Setting the API key', err, [key]));
    }
  });

  app.post('/api-key/revoke', async (c) => {
    try {
      return c.json({ apiKey: await applyKey(REVOKED_API_KEY_PLACEHOLDER, true) });
    } catch (err) {
      return fail(c, 502, 'revoke-failed', failure('Revoking the API key', err, []));
    }
  });

  for (const [path, fixDeployed] of [['/deploy-fix', true], ['/restore-bug', false]] as const) {
    app.post(path, async (c) => {
      try {
        // Decided inside the queue: a second click waits for the first, then finds the code already there.
        const changed = await redeploys(async () => {
          if ((await handlers.status()).fixDeployed === fixDeployed) return false;
          await (fixDeployed ? handlers.deployFix() : handlers.restoreBug());
          return true;
        });
        log.info(changed ? (fixDeployed ? 'fix deployed' : 'bug restored') : fixDeployed ? 'fix already deployed' : 'bug already restored');
        return c.json({ fixDeployed, changed } satisfies FixState);
      } catch (err) {
        return fail(c, 502, 'redeploy-failed', failure(fixDeployed ? 'Deploying the fix' : 'Restoring the bug', err, []));
      }
    });
  }
  return app;
}

/** Serves the control channel; close() it before closing the worker's connection. */
export async function startControlServer(options: ControlServerOptions): Promise<LoopbackServer> {
  const server = await serveApp(createControlApp(options), options.address);
  options.logger.info('control channel listening', { component: 'worker-control', url: server.url });
  return server;
}

function serial(): <T>(op: () => Promise<T>) => Promise<T> {
  let queue: Promise<unknown> = Promise.resolve();
  return (op) => {
    const result = queue.then(op);
    queue = result.catch(() => {});
    return result;
  };
}

function now(): string {
  return new Date().toISOString();
}
