import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../temporal/worker-control-client.js';
import { createViews } from '../render.js';
import { RECENT_MS, pollState, workerKeyOf, type KeyPanel } from './panel.js';

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
    expect(pollState({ apiKey, pollRejections: noRejections }, key({}), T)).toMatchObject({ verdict: 'accepted', rejecting: false, lastRejectedAt: undefined });
    expect(pollState({ apiKey, pollRejections: noRejections, polling: true, workerState: 'RUNNING' }, key({}), T).verdict).toBe('accepted');
  });

  it('never accepted while the worker says it is not polling, even with no refusal in sight', () => {
    // Its Worker FAILED a while ago: the gateway's 30 s window is empty, the worker's last refusal is old,
    // and a new key was just set (so earlier refusals do not count): only the worker's own word is left.
    const failed = {
      apiKey: { ...apiKey, rotatedAt: iso(-2_000) },
      pollRejections: { count: 120, lastAt: iso(-90_000) },
      polling: false,
      workerState: 'FAILED',
      pollingProblem: 'Its Temporal Worker failed (UNAUTHENTICATED) and stopped polling.',
    };
    const fresh = key({ lastAcceptedAt: iso(-1_000), rejectedRecently: 0, lastRejectedAt: iso(-95_000) });
    expect(pollState(failed, fresh, T)).toMatchObject({ verdict: 'not-polling', rejecting: false, workerState: 'FAILED', problem: failed.pollingProblem });
    expect(pollState({ ...failed, workerState: 'RECREATING' }, undefined, T).verdict).toBe('not-polling');
    // Refused right now as well: that is the more useful word.
    expect(pollState({ ...failed, pollRejections: { count: 121, lastAt: iso(-1_000) } }, undefined, T).verdict).toBe('rejected');
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

describe('the API key status partial', () => {
  const views = createViews(fileURLToPath(new URL('../../../views', import.meta.url)), undefined);
  const render = (status: Parameters<typeof pollState>[0]): string => {
    const panel: KeyPanel = { available: true, mode: 'cloud', key: apiKey, polls: pollState(status, undefined, T), keys: undefined, unknown: undefined, gatewayProblem: undefined };
    return views.partial('api-key-status', { panel, actions: true, presenter: true });
  };

  it('shows Accepted (green) only for a worker that polls, and says why one does not', () => {
    const polling = render({ apiKey, pollRejections: noRejections, polling: true, workerState: 'RUNNING', pollingProblem: null });
    expect(polling).toMatch(/data-state="accepted"/);
    expect(polling).toContain('badge-completed">Accepted');

    const failed = render({ apiKey, pollRejections: noRejections, polling: false, workerState: 'FAILED', pollingProblem: 'Its Temporal Worker failed (UNAUTHENTICATED) and stopped polling.' });
    expect(failed).toMatch(/data-state="not-polling"/);
    expect(failed).toContain('data-worker-state="FAILED"');
    expect(failed).not.toContain('Accepted');
    expect(failed).not.toContain('badge-completed');
    expect(failed).toContain('data-testid="not-polling"');
    expect(failed).toContain('Its Temporal Worker failed (UNAUTHENTICATED)');
  });
});
