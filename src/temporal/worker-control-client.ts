/**
 * The console's typed clients for the worker's control channel and the gateway's admin API. Each call is
 * signed and its answer checked (mutual authentication, see process/channel-auth.ts), has a timeout, and a
 * failure becomes a ControlApiError whose message says which service failed and why, and never contains
 * the secret or a key (only the server's own, key-free, message is quoted).
 */
import type { GatewayStatsResponse, IssuedKey, KeyInfo, KeyList } from '../gateway/admin.js';
import { PROOF_HEADER, isProvenResponse, signRequest } from '../process/channel-auth.js';
import type { ApiKeyState, FixState, WorkerStatus } from '../worker/control.js';

export type { ApiKeyState, FixState, GatewayStatsResponse, IssuedKey, KeyInfo, KeyList, WorkerStatus };

export class ControlApiError extends Error {
  override name = 'ControlApiError';
  constructor(
    message: string,
    /** HTTP status, or undefined when the service could not be reached or timed out. */
    readonly status?: number,
    /** The server's machine-readable error code (e.g. 'empty-key', 'unauthorized'). */
    readonly code?: string,
  ) {
    super(message);
  }
}

export interface ControlClientOptions {
  /** Base URL (http://127.0.0.1:9465) or host:port. */
  url: string;
  secret: string;
  /** Per request; default 5 s (status, keys: answered at once). */
  timeoutMs?: number;
  /** For deploy-fix and restore-bug; default 60 s (the worker bundles its workflows and drains the old Worker). */
  redeployTimeoutMs?: number;
}

export interface WorkerControlClient {
  status(): Promise<WorkerStatus>;
  setApiKey(key: string): Promise<ApiKeyState>;
  revokeApiKey(): Promise<ApiKeyState>;
  /** Resolves once the fixed code is deployed; `changed: false` when it already was (nothing redeployed). */
  deployFix(): Promise<FixState>;
  /** The original, buggy code back (for the next rehearsal); `changed: false` when it already ran. */
  restoreBug(): Promise<FixState>;
}

export interface GatewayAdminClient {
  listKeys(): Promise<KeyList>;
  /** The one call whose answer holds a key: hand it to the worker, do not store or log it. */
  issueKey(label: string): Promise<IssuedKey>;
  revokeKey(id: string): Promise<KeyInfo>;
  stats(): Promise<GatewayStatsResponse>;
}

export function createWorkerControlClient(options: ControlClientOptions): WorkerControlClient {
  const call = caller('worker control channel', options);
  return {
    status: () => call<WorkerStatus>('GET', '/status'),
    setApiKey: async (key) => (await call<{ apiKey: ApiKeyState }>('POST', '/api-key', { key })).apiKey,
    revokeApiKey: async () => (await call<{ apiKey: ApiKeyState }>('POST', '/api-key/revoke', {})).apiKey,
    deployFix: () => fixCall(call, '/deploy-fix', true, options.redeployTimeoutMs),
    restoreBug: () => fixCall(call, '/restore-bug', false, options.redeployTimeoutMs),
  };
}

export function createGatewayAdminClient(options: ControlClientOptions): GatewayAdminClient {
  const call = caller('gateway admin API', options);
  return {
    listKeys: () => call<KeyList>('GET', '/keys'),
    issueKey: (label) => call<IssuedKey>('POST', '/keys', { label }),
    revokeKey: async (id) => (await call<{ key: KeyInfo }>('POST', `/keys/${encodeURIComponent(id)}/revoke`, {})).key,
    stats: () => call<GatewayStatsResponse>('GET', '/stats'),
  };
}

/** A worker from before `changed` answers `{ fixDeployed }` only: it always redeployed. */
async function fixCall(call: Call, path: string, fixDeployed: boolean, timeoutMs = 60_000): Promise<FixState> {
  const answer = await call<Partial<FixState>>('POST', path, {}, timeoutMs);
  return { fixDeployed: answer.fixDeployed ?? fixDeployed, changed: answer.changed ?? true };
}

type Call = <T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs?: number) => Promise<T>;

/**
 * One signed call (process/channel-auth.ts): the secret never leaves this process, the body is sealed, and
 * an answer without the server's proof of the secret is refused before anything in it is believed.
 */
function caller(service: string, { url, secret, timeoutMs: defaultTimeoutMs = 5_000 }: ControlClientOptions): Call {
  const base = (/^https?:\/\//.test(url) ? url : `http://${url}`).replace(/\/+$/, '');
  const prefix = new URL(base).pathname.replace(/\/+$/, '');
  return async <T>(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = defaultTimeoutMs): Promise<T> => {
    const what = `${service} (${method} ${base}${path.replace(/\/keys\/[^/]+\//, '/keys/:id/')})`;
    const signed = signRequest(secret, method, prefix + path, body === undefined ? undefined : JSON.stringify(body));
    let response: Response;
    let text: string;
    try {
      response = await fetch(base + path, {
        method,
        headers: { ...signed.headers, accept: 'application/json' },
        body: signed.body,
        // A redirect would take the signed request somewhere we did not choose.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      // fetch's own errors name the URL at most; the cause (ECONNREFUSED...) is the useful part.
      const reason = (err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : causeOf(err);
      throw new ControlApiError(`Cannot reach the ${what}: ${reason}.`);
    }
    if (!isProvenResponse(secret, signed.nonce, response.status, text, response.headers.get(PROOF_HEADER))) {
      throw new ControlApiError(
        `The ${what} answered ${response.status} without proof that it holds the shared secret, so the answer was ignored: ` +
          'the console and that process do not share the same secret, or another program is listening on that port.',
        response.status,
        'unproven-peer',
      );
    }
    const payload = parseJson(text) as { error?: string; message?: string } | undefined;
    if (!response.ok) {
      const detail = typeof payload?.message === 'string' ? payload.message : response.statusText;
      const hint = response.status === 401 ? ' The console and that process do not share the same secret.' : '';
      throw new ControlApiError(`The ${what} answered ${response.status}: ${detail}${hint}`, response.status, payload?.error);
    }
    if (payload === undefined) throw new ControlApiError(`The ${what} answered with something that is not JSON.`, response.status);
    return payload as T;
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}
