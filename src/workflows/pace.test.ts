import { describe, expect, it } from 'vitest';
import { HUMAN_WAIT_SECONDS } from '../temporal/contract.js';
import { paceOf, scaled, timeScaleOf } from './pace.js';

describe('pace', () => {
  it('uses demo pace (1) for a missing, non-numeric, non-positive or too slow TimeScale', () => {
    for (const TimeScale of [undefined, Number.NaN, 0, -1, 6, Infinity, '0.5' as unknown as number]) {
      expect(timeScaleOf({ TimeScale })).toBe(1);
    }
    expect(timeScaleOf(undefined)).toBe(1);
  });

  it('keeps a TimeScale in (0, 1], with a floor so timers stay timers', () => {
    expect(timeScaleOf({ TimeScale: 0.05 })).toBe(0.05);
    expect(timeScaleOf({ TimeScale: 1 })).toBe(1);
    // Slow motion, up to five times slower.
    expect(timeScaleOf({ TimeScale: 2 })).toBe(2);
    expect(timeScaleOf({ TimeScale: 5 })).toBe(5);
    expect(timeScaleOf({ TimeScale: 1e-9 })).toBe(0.001);
  });

  it('waits HumanWaitSeconds (default 60, at most an hour) for a person, unscaled', () => {
    expect(paceOf({ TimeScale: 0.05 }).humanWaitMs).toBe(HUMAN_WAIT_SECONDS * 1000);
    expect(paceOf({ TimeScale: 0.05, HumanWaitSeconds: 2 }).humanWaitMs).toBe(2000);
    expect(paceOf({ HumanWaitSeconds: 0 }).humanWaitMs).toBe(HUMAN_WAIT_SECONDS * 1000);
    expect(paceOf({ HumanWaitSeconds: 1e9 }).humanWaitMs).toBe(3_600_000);
  });

  it('scales designed delays and never returns a zero delay', () => {
    expect(scaled(3000, { scale: 0.05 })).toBe(150);
    expect(scaled(1000, { scale: 0.0001 })).toBe(1);
  });
});
