import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRateLimit } from './rate-limit.js';

describe('the room cart rate limit', () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  it('allows `limit` hits per window per key, says when the next is allowed, and forgets old hits', () => {
    const limit = createRateLimit({ limit: 3, windowMs: 10_000 });
    expect([1, 2, 3].map(() => limit.hit('a').allowed)).toEqual([true, true, true]);
    vi.advanceTimersByTime(4_000);
    expect(limit.hit('a')).toEqual({ allowed: false, retryAfterSeconds: 6 });
    // Another viewer has a window of its own.
    expect(limit.hit('b').allowed).toBe(true);
    vi.advanceTimersByTime(5_999);
    expect(limit.hit('a').allowed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(limit.hit('a').allowed).toBe(true);
  });

  it('forgets the least recently seen key when full', () => {
    const limit = createRateLimit({ limit: 1, windowMs: 10_000, maxKeys: 2 });
    limit.hit('a');
    limit.hit('b');
    limit.hit('c');
    expect(limit.hit('a').allowed).toBe(true);
    expect(limit.hit('c').allowed).toBe(false);
  });
});
