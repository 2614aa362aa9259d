import { describe, expect, it } from 'vitest';
import { ControlApiError } from '../../temporal/worker-control-client.js';
import { countPollers, POLLER_SEEN_MS, workerSelfReader } from './pollers.js';

const NOW = 1_800_000_000_000;
const seen = (identity: string, agoMs: number) => ({ identity, lastAccessMs: NOW - agoMs });

describe('countPollers', () => {
  it('counts a live idle poller (its long poll can be a minute old) and drops one the server has not heard from since', () => {
    expect(countPollers([seen('1@a', 57_000)], NOW)).toEqual({ count: 1, note: undefined });
    expect(countPollers([seen('1@a', POLLER_SEEN_MS + 1)], NOW).count).toBe(0);
    expect(countPollers([{ identity: '1@a', lastAccessMs: undefined }], NOW).count).toBe(0);
  });

  it('leaves out the orders worker at once when it says it is not polling, and keeps the others', () => {
    const pollers = [seen('1@a', 1_000), seen('2@b', 2_000)];
    const failed = { identity: '1@a', polling: false, problem: 'its Temporal Worker failed (UNAUTHENTICATED).' };
    expect(countPollers(pollers, NOW, failed)).toEqual({ count: 1, note: 'The orders worker is not polling: its Temporal Worker failed (UNAUTHENTICATED).' });
    expect(countPollers([seen('1@a', 1_000)], NOW, failed).count).toBe(0);
    expect(countPollers(pollers, NOW, { ...failed, polling: true }).count).toBe(2);
    expect(countPollers(pollers, NOW, { ...failed, polling: undefined }).count).toBe(2); // a worker that does not say
  });
});

describe('workerSelfReader', () => {
  it('remembers the identity, and calls a worker whose control channel refuses connections not polling', async () => {
    let answer: () => Promise<{ polling?: boolean; pollingProblem?: string | null; identity?: string }> = async () => ({ polling: true, pollingProblem: null, identity: '1@a' });
    const read = workerSelfReader(() => answer());
    expect(await read()).toEqual({ identity: '1@a', polling: true, problem: undefined });
    answer = () => Promise.reject(new ControlApiError('Cannot reach the worker control channel (GET http://127.0.0.1:9465/status): ECONNREFUSED.'));
    expect(await read()).toMatchObject({ identity: '1@a', polling: false });
    // A worker that answers, even with an error, is alive: no claim either way.
    answer = () => Promise.reject(new ControlApiError('The worker control channel answered 401', 401, 'unauthorized'));
    expect(await read()).toBeUndefined();
    expect(await workerSelfReader(undefined)()).toBeUndefined();
  });
});
