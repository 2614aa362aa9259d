import type { State } from '@temporalio/worker';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logger.js';
import { failureCause } from './failures.js';
import { keepRunning, type TemporalWorker } from './keep-running.js';

const lines: string[] = [];
const logger = createLogger({ name: 'test', level: 'debug', json: true, write: (line) => lines.push(line) });
const refused = Object.assign(new Error('The API key ending in abcd was revoked'), { code: 16 });
// As the worker names a failure: by the error's gRPC status, else by its latest refused poll.
const explain = (err: unknown) => failureCause(err, () => 'UNAUTHENTICATED');

/** A stand-in for the SDK's Worker: run() until shutdown() or fail(); FAILED without settling, like a refused one. */
class FakeWorker implements TemporalWorker {
  state: State = 'INITIALIZED';
  private end: ((err?: unknown) => void) | undefined;
  constructor(readonly code: string) {}
  getState(): State {
    return this.state;
  }
  run(): Promise<void> {
    this.state = 'RUNNING';
    return new Promise<void>((resolve, reject) => (this.end = (err) => (err ? reject(err) : resolve())));
  }
  async runUntil(until: Promise<unknown>): Promise<unknown> {
    const ran = this.run();
    await until;
    this.shutdown();
    return ran;
  }
  shutdown(): void {
    this.state = 'STOPPED';
    this.end?.();
  }
  /** What a Worker whose polls were refused for a minute does: FAILED, and its run() hangs. */
  failAndHang(): void {
    this.state = 'FAILED';
  }
  failAndReject(): void {
    this.state = 'FAILED';
    this.end?.(new Error('Worker still in use'));
  }
}

/** A factory of fake Workers that refuses (like a server refusing the key) while `refuse` is set. */
function factory(code = 'bug') {
  const f = {
    made: [] as FakeWorker[],
    calls: 0,
    refuse: false,
    create: async (): Promise<FakeWorker> => {
      f.calls++;
      if (f.refuse) throw refused;
      const worker = new FakeWorker(code);
      f.made.push(worker);
      return worker;
    },
  };
  return f;
}

beforeEach(() => {
  vi.useFakeTimers();
  lines.length = 0;
});
afterEach(() => vi.useRealTimers());

describe('keepRunning', () => {
  it('makes a new Worker after a failure, with a backoff of 1 s doubling to 5 s while the server refuses, and says so once', async () => {
    const f = factory();
    const kept = await keepRunning({ name: 'Test worker', logger, explain, create: f.create });
    const run = kept.run();
    expect(kept.state).toBe('RUNNING');

    f.refuse = true;
    f.made[0]!.failAndHang(); // its run() never settles: the FAILED state is what counts
    // Asked before the loop noticed: the answer already says why, and keeps saying it from the same moment.
    expect(kept.state).toBe('FAILED');
    const noticed = kept.failure;
    expect(noticed).toMatchObject({ error: 'UNAUTHENTICATED', attempts: 0 });
    await vi.advanceTimersByTimeAsync(250);
    expect(kept.state).toBe('FAILED');
    expect(kept.failure).toEqual(noticed);
    expect(lines.filter((l) => l.includes('stopped polling'))).toHaveLength(1);

    // Attempts at +1, +2, +4, +5, +5 s after each previous one.
    const attemptsAt: number[] = [];
    for (let t = 0; t < 30_000; t += 100) {
      const before = f.calls;
      await vi.advanceTimersByTimeAsync(100);
      if (f.calls > before) attemptsAt.push(t + 100);
    }
    expect(attemptsAt.slice(0, 6)).toEqual([1_000, 3_000, 7_000, 12_000, 17_000, 22_000]);
    expect(kept.failure?.attempts).toBe(attemptsAt.length);
    expect(lines.filter((l) => l.includes('stopped polling'))).toHaveLength(1); // one line per outage, not per attempt

    f.refuse = false;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(kept.state).toBe('RUNNING');
    expect(kept.failure).toBeUndefined();
    expect(f.made).toHaveLength(2);
    expect(lines.some((l) => l.includes('Worker recreated, polling again'))).toBe(true);

    await kept.shutdown();
    await expect(run).resolves.toBeUndefined();
  });

  it('tries again at once when told a new key arrived, instead of waiting out the backoff', async () => {
    const f = factory();
    const kept = await keepRunning({ name: 'Test worker', logger, explain, create: f.create, firstBackoffMs: 1_000, maxBackoffMs: 60_000 });
    void kept.run();
    f.refuse = true;
    f.made[0]!.failAndReject();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000 + 8_000); // four refused attempts: the next is 16 s away
    const calls = f.calls;
    f.refuse = false;
    kept.retryNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls).toBe(calls + 1);
    expect(kept.state).toBe('RUNNING');
    await kept.shutdown();
  });

  it('ends at once when shut down during a backoff, without making another Worker', async () => {
    const f = factory();
    const kept = await keepRunning({ name: 'Test worker', logger, explain, create: f.create, firstBackoffMs: 60_000 });
    const run = kept.run();
    f.made[0]!.failAndHang();
    await vi.advanceTimersByTimeAsync(250);
    expect(kept.state).toBe('FAILED');
    const calls = f.calls;
    let stopped = false;
    void kept.shutdown().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(true);
    await expect(run).resolves.toBeUndefined();
    expect(f.calls).toBe(calls);
  });

  it('swaps the running Worker for one from another factory, and keeps using that factory after a failure', async () => {
    const bug = factory('bug');
    const fix = factory('fix');
    const kept = await keepRunning({ name: 'Test worker', logger, explain, create: bug.create });
    void kept.run();
    await kept.replace(fix.create);
    expect(bug.made[0]!.state).toBe('STOPPED');
    expect(fix.made).toHaveLength(1);
    expect(kept.state).toBe('RUNNING');

    fix.made[0]!.failAndReject();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fix.made).toHaveLength(2);
    expect(bug.made).toHaveLength(1);
    await kept.shutdown();
  });

  it('takes a replacement while FAILED for the next attempt, and resolves after that attempt', async () => {
    const bug = factory('bug');
    const fix = factory('fix');
    const kept = await keepRunning({ name: 'Test worker', logger, explain, create: bug.create, firstBackoffMs: 60_000 });
    void kept.run();
    bug.made[0]!.failAndHang();
    await vi.advanceTimersByTimeAsync(250);
    fix.refuse = true;
    await kept.replace(fix.create); // the server still refuses: the fix waits for the next Worker
    expect(kept.state).toBe('FAILED');
    fix.refuse = false;
    kept.retryNow();
    await vi.advanceTimersByTimeAsync(0);
    expect(fix.made).toHaveLength(1);
    expect(kept.state).toBe('RUNNING');
    await kept.shutdown();
  });

  it('throws a first failure unless told to wait for it', async () => {
    const f = factory();
    f.refuse = true;
    await expect(keepRunning({ name: 'Test worker', logger, explain, create: f.create })).rejects.toBe(refused);
    const kept = await keepRunning({ name: 'Test worker', logger, explain, create: f.create, retryFirst: () => true });
    expect(kept.state).toBe('FAILED');
    void kept.run();
    f.refuse = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(kept.state).toBe('RUNNING');
    await kept.shutdown();
  });
});
