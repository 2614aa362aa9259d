/** The few statistics the benchmarks report: quantiles of samples, and median with min–max over runs. */

/** Linear-interpolated quantile (q in [0, 1]) of the samples; NaN for none. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  /** One value per run, in run order. */
  runs: number[];
}

/** A figure measured over several runs: its median and its range. */
export function spread(runs: readonly number[]): Spread {
  return { median: quantile(runs, 0.5), min: Math.min(...runs), max: Math.max(...runs), runs: [...runs] };
}
