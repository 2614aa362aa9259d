/**
 * Activity retries in the last minute, from the orders worker's Prometheus endpoint. The worker exports
 * ever-growing counters; the console keeps a short ring of samples and takes the increase over the last
 * minute, as Prometheus' increase() does: a counter that went down means the worker restarted and
 * counts again from 0. The console samples from the moment it starts (startRetrySampler), so the page shows
 * the whole last minute as soon as it opens, not only what happened since.
 */
import { parseExposition } from '../../metrics/exposition.js';
import { WORKER_METRICS } from '../../metrics/names.js';

/** Counter values by series, keyed by `${scenario}\u0000${activity}`. */
export type Totals = Map<string, number>;

export interface RetryCount {
  scenario: string;
  activity: string;
  count: number;
}

export interface RetryIncrease {
  /** Series that grew in the window, largest first. */
  series: RetryCount[];
  /** How much time the samples cover: a minute once the page has been watched that long. */
  coveredMs: number;
}

/** Failed activity attempts (each one retried unless the failure was final), by scenario and activity. */
export function parseFailures(text: string): Totals {
  const totals: Totals = new Map();
  for (const { name, labels, value } of parseExposition(text).samples) {
    if (name !== WORKER_METRICS.activityFailures.name) continue;
    // Other labels (task queue, namespace...) are summed over: the page shows scenario and activity only.
    const key = `${labels.scenario ?? 'unknown'}\u0000${labels.activity ?? 'unknown'}`;
    totals.set(key, (totals.get(key) ?? 0) + value);
  }
  return totals;
}

/** Fetches the worker's /metrics page (IP:port, as the worker binds it); throws with a short reason when it cannot. */
export async function scrapeFailures(address: string, timeoutMs = 1000): Promise<Totals> {
  // A worker bound to every interface is reached on loopback.
  const url = `http://${address.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:')}/metrics`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new Error((err as Error).name === 'TimeoutError' ? 'no answer in time' : cause ?? (err as Error).message);
  }
  if (!response.ok) throw new Error(`answered ${response.status}`);
  return parseFailures(await response.text());
}

/**
 * Scrapes the worker's counters into `window` every `everyMs`, in the background, for the console's whole life
 * (one local HTTP read: nothing reaches Temporal). An unreachable worker leaves a gap that the next sample after
 * it closes (a restarted worker's counters start again from 0, which increase() reads as a restart).
 */
export function startRetrySampler(options: { address: string; window: RetryWindow; everyMs?: number }): { stop(): void } {
  const { address, window, everyMs = 5_000 } = options;
  const sample = (): void => {
    scrapeFailures(address).then(
      (totals) => window.add(Date.now(), totals),
      () => undefined, // the page says why when it reads the worker itself
    );
  };
  sample();
  const timer = setInterval(sample, everyMs);
  // Never what keeps a process (or a test run) alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** The ring of samples behind the "last minute" figure. */
export class RetryWindow {
  readonly #samples: { at: number; totals: Totals }[] = [];

  constructor(
    private readonly windowMs = 60_000,
    /** A sample this much older than the window still serves as its start; older ones are dropped. */
    private readonly slackMs = 15_000,
  ) {}

  add(at: number, totals: Totals): void {
    this.#samples.push({ at, totals });
    // Keep the newest sample at or before the window's start as its baseline, and nothing older.
    const start = at - this.windowMs;
    while (this.#samples.length > 1 && (this.#samples[1]!.at <= start || this.#samples[0]!.at < start - this.slackMs)) this.#samples.shift();
  }

  increase(): RetryIncrease {
    const samples = this.#samples;
    const sums = new Map<string, number>();
    for (let i = 1; i < samples.length; i++) {
      const before = samples[i - 1]!.totals;
      for (const [key, value] of samples[i]!.totals) {
        const previous = before.get(key) ?? 0;
        const grew = value >= previous ? value - previous : value; // went down: the worker restarted
        if (grew > 0) sums.set(key, (sums.get(key) ?? 0) + grew);
      }
    }
    const series = [...sums].map(([key, count]) => {
      const [scenario = 'unknown', activity = 'unknown'] = key.split('\u0000');
      return { scenario, activity, count };
    });
    const coveredMs = samples.length > 1 ? samples.at(-1)!.at - samples[0]!.at : 0;
    return { series: series.sort((a, b) => b.count - a.count), coveredMs };
  }
}
