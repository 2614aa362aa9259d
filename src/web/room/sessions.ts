/**
 * Presenter sign-in: one-time sign-in tokens and the session cookies they are exchanged for.
 *
 * Sign-in tokens (the link `npm start` prints): random, kept only as their SHA-256, usable once, dead after
 * SIGN_IN_TTL_MS. PRESENTER_TOKEN, when configured, is a standing token compared in constant time.
 * Sessions are stateless: `<id>.<expires>.<mac>`, an HMAC-SHA256 under the session secret, so a console
 * restarted by the supervisor (same WEB_SESSION_SECRET) keeps its presenter signed in. Sign-out forgets
 * the id here (until it would have expired anyway) and clears the cookie.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'presenter_session';
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const SIGN_IN_TTL_MS = 15 * 60 * 1000;
/** Unused sign-in tokens kept at most (each "new link" adds one). */
const MAX_PENDING = 20;

export interface Sessions {
  /** A new one-time sign-in token. */
  issueSignInToken(): string;
  /** Whether a token would sign in now, without using it (the confirmation page). */
  isValidToken(token: string): boolean;
  /** Uses a one-time token (or checks PRESENTER_TOKEN): a new session's cookie value, or undefined. */
  signIn(token: string): string | undefined;
  /** Whether a cookie value is a live session. */
  isSession(value: string | undefined): boolean;
  signOut(value: string | undefined): void;
}

export interface SessionOptions {
  /** Signs the cookies; a random one per process when unset. */
  secret: string | undefined;
  presenterToken: string | undefined;
  now?: () => number;
}

export function createSessions({ secret, presenterToken, now = Date.now }: SessionOptions): Sessions {
  const macKey = createHash('sha256').update('presenter-session\n').update(secret ?? randomBytes(32)).digest();
  const pending = new Map<string, number>(); // sha256(token) → expires at
  const signedOut = new Map<string, number>(); // session id → expires at
  const standing = presenterToken ? sha256(presenterToken) : undefined;
  const prune = () => {
    const t = now();
    for (const [k, exp] of pending) if (exp <= t) pending.delete(k);
    for (const [k, exp] of signedOut) if (exp <= t) signedOut.delete(k);
  };
  const mac = (payload: string) => createHmac('sha256', macKey).update(payload).digest('base64url');
  const oneTime = (token: string): string | undefined => {
    prune();
    const key = sha256(token).toString('base64url');
    return pending.has(key) ? key : undefined;
  };
  const isStanding = (token: string) => standing !== undefined && timingSafeEqual(sha256(token), standing);
  const isSession = (value: string | undefined): boolean => {
    const parsed = parse(value);
    if (!parsed) return false;
    const expected = Buffer.from(mac(`${parsed.id}.${parsed.expires}`));
    const given = Buffer.from(parsed.mac);
    return given.length === expected.length && timingSafeEqual(given, expected) && parsed.expires > now() && !signedOut.has(parsed.id);
  };
  return {
    issueSignInToken() {
      prune();
      while (pending.size >= MAX_PENDING) pending.delete(pending.keys().next().value!);
      const token = randomBytes(24).toString('base64url');
      pending.set(sha256(token).toString('base64url'), now() + SIGN_IN_TTL_MS);
      return token;
    },
    isValidToken: (token) => oneTime(token) !== undefined || isStanding(token),
    signIn(token) {
      const key = oneTime(token);
      if (key) pending.delete(key);
      else if (!isStanding(token)) return undefined;
      const payload = `${randomBytes(12).toString('base64url')}.${now() + SESSION_TTL_MS}`;
      return `${payload}.${mac(payload)}`;
    },
    isSession,
    signOut(value) {
      const parsed = parse(value);
      if (parsed && isSession(value)) signedOut.set(parsed.id, parsed.expires);
      prune();
    },
  };
}

function parse(value: string | undefined): { id: string; expires: number; mac: string } | undefined {
  const match = /^([A-Za-z0-9_-]{16})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
  return match ? { id: match[1]!, expires: Number(match[2]), mac: match[3]! } : undefined;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
