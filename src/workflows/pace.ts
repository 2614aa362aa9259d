/**
 * The demo's pace: designed delays are multiplied by the input's TimeScale so tests and benchmarks run
 * the same flow fast. Pure functions with no imports but the contract, so activities can share them.
 */
import { HUMAN_WAIT_SECONDS, type OrderInput } from '../temporal/contract.js';

export interface Pace {
  /** Multiplier for every designed delay, in (0, MAX_TIME_SCALE]: below 1 for rehearsals and tests, above 1 for slow motion. */
  scale: number;
  /** How long a human-in-the-loop scenario waits for a new address (not scaled: it is a person's time). */
  humanWaitMs: number;
}

const MIN_TIME_SCALE = 0.001;
/** Slow motion for a room that needs time to follow: at most five times slower than demo pace. */
export const MAX_TIME_SCALE = 5;
const MAX_HUMAN_WAIT_SECONDS = 3600;

/** TimeScale from an input that may come from another implementation's UI: missing or invalid means 1. */
export function timeScaleOf(input: Pick<OrderInput, 'TimeScale'> | undefined): number {
  const value = input?.TimeScale;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIME_SCALE) return 1;
  return Math.max(value, MIN_TIME_SCALE);
}

export function paceOf(input: Pick<OrderInput, 'TimeScale' | 'HumanWaitSeconds'>): Pace {
  const wait = input.HumanWaitSeconds;
  const seconds =
    typeof wait === 'number' && Number.isFinite(wait) && wait > 0 ? Math.min(wait, MAX_HUMAN_WAIT_SECONDS) : HUMAN_WAIT_SECONDS;
  return { scale: timeScaleOf(input), humanWaitMs: Math.round(seconds * 1000) };
}

/** A designed delay at this pace, in ms (never below 1 ms: a zero timer is not a timer). */
export function scaled(ms: number, pace: Pick<Pace, 'scale'>): number {
  return Math.max(1, Math.round(ms * pace.scale));
}
