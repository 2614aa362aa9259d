import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../temporal/worker-control-client.js';
import { RECENT_MS, pollState, workerKeyOf } from './panel.js';

const T = Date.parse('2030-01-01T12:00:00Z');
const iso = (offsetMs: number) => new Date(T + offsetMs).toISOString();
const key = (over: Partial<KeyInfo>): KeyInfo => ({
  id: 'key-1', label: 'orders-worker', fingerprint: 'AbCd', issuedAt: iso(-600_000), revokedAt: null,
  accepted: 10, rejected: 0, lastAcceptedAt: iso(-5_000), lastRejectedAt: null, rejectedRecently: 0, ...over,
});
const apiKey = { fingerprint: 'AbCd', rotatedAt: iso(-60_000), revoked: false };
const noRejections = { count: 0, lastAt: null };

describe('pollState', () => {
  it('accepted while the gateway accepts the key and the worker saw no refusal', () => {
    expect(pollState({ apiKey, pollRejections: noRejections }, key({}), T)).toMatchObject({ rejecting: false, lastRejectedAt: undefined });
  });

  it('rejected when the gateway refused the key lately and accepted nothing since', () => {
    const revoked = key({ revokedAt: iso(-20_000), rejected: 6, rejectedRecently: 6, lastRejectedAt: iso(-1_000), lastAcceptedAt: iso(-21_000) });
    expect(pollState({ apiKey, pollRejections: noRejections }, revoked, T)).toMatchObject({ rejecting: true, recentAtGateway: 6 });
    // Refusals in the window, but an accepted call since: not "now".
    const recovered = key({ rejectedRecently: 3, lastRejectedAt: iso(-10_000), lastAcceptedAt: iso(-2_000) });
    expect(pollState({ apiKey, pollRejections: noRejections }, recovered, T).rejecting).toBe(false);
  });

  it('counts the worker\'s own refusals only when recent and after its key was set (Cloud mode)', () => {
    const recent = { count: 4, lastAt: iso(-3_000) };
    expect(pollState({ apiKey, pollRejections: recent }, undefined, T)).toMatchObject({ rejecting: true, workerCount: 4 });
    expect(pollState({ apiKey: { ...apiKey, rotatedAt: iso(-1_000) }, pollRejections: recent }, undefined, T).rejecting).toBe(false);
    expect(pollState({ apiKey, pollRejections: { count: 4, lastAt: iso(-RECENT_MS - 1) } }, undefined, T).rejecting).toBe(false);
  });
});

describe('workerKeyOf', () => {
  it('finds the worker\'s key by fingerprint, the newest when two share one', () => {
    const keys = [key({ id: 'old', issuedAt: iso(-9_000) }), key({ id: 'new', issuedAt: iso(-1_000) }), key({ id: 'other', fingerprint: 'WxYz' })];
    expect(workerKeyOf(keys, apiKey)?.id).toBe('new');
    expect(workerKeyOf(keys, { ...apiKey, fingerprint: null, revoked: true })).toBeUndefined();
    expect(workerKeyOf(keys, null)).toBeUndefined();
  });
});
