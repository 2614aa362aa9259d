import { describe, expect, it } from 'vitest';
import { createSessions, SESSION_TTL_MS, SIGN_IN_TTL_MS } from './sessions.js';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('presenter sessions', () => {
  it('a sign-in token works once, and only before it expires', () => {
    const time = clock();
    const sessions = createSessions({ secret: 'session-secret-for-unit-tests', presenterToken: undefined, now: time.now });
    const token = sessions.issueSignInToken();
    expect(sessions.isValidToken(token)).toBe(true);
    expect(sessions.isValidToken(token)).toBe(true); // looking does not use it
    const cookie = sessions.signIn(token);
    expect(sessions.isSession(cookie)).toBe(true);
    expect(sessions.signIn(token)).toBeUndefined();
    expect(sessions.isValidToken(token)).toBe(false);

    const late = sessions.issueSignInToken();
    time.advance(SIGN_IN_TTL_MS + 1);
    expect(sessions.signIn(late)).toBeUndefined();
    expect(sessions.signIn('made-up-token')).toBeUndefined();
  });

  it('a session ends at its expiry or at sign-out, and a tampered cookie is none', () => {
    const time = clock();
    const sessions = createSessions({ secret: 'session-secret-for-unit-tests', presenterToken: undefined, now: time.now });
    const cookie = sessions.signIn(sessions.issueSignInToken())!;
    const [id, expires, mac] = cookie.split('.');
    expect(sessions.isSession(`${id}.${Number(expires) + SESSION_TTL_MS}.${mac}`)).toBe(false);
    expect(sessions.isSession(`${id}.${expires}.${'A'.repeat(43)}`)).toBe(false);
    expect(sessions.isSession(undefined)).toBe(false);
    // Another console (another secret) does not accept it; the same secret (a restarted console) does.
    expect(createSessions({ secret: 'another-session-secret', presenterToken: undefined, now: time.now }).isSession(cookie)).toBe(false);
    expect(createSessions({ secret: 'session-secret-for-unit-tests', presenterToken: undefined, now: time.now }).isSession(cookie)).toBe(true);

    const other = sessions.signIn(sessions.issueSignInToken())!;
    sessions.signOut(cookie);
    expect(sessions.isSession(cookie)).toBe(false);
    expect(sessions.isSession(other)).toBe(true);
    time.advance(SESSION_TTL_MS);
    expect(sessions.isSession(other)).toBe(false);
  });

  it('PRESENTER_TOKEN signs in any number of times; nothing else does', () => {
    const sessions = createSessions({ secret: undefined, presenterToken: 'the-standing-presenter-token' });
    expect(sessions.isSession(sessions.signIn('the-standing-presenter-token'))).toBe(true);
    expect(sessions.isSession(sessions.signIn('the-standing-presenter-token'))).toBe(true);
    expect(sessions.signIn('the-standing-presenter-tokeN')).toBeUndefined();
    expect(sessions.signIn('')).toBeUndefined();
  });
});
