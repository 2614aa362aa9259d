/**
 * What a fault drill reports, and the table `npm run drill` prints: orders lost (did not end as their
 * scenario says), effects doubled (the database holds one twice), and the time to recover from each break.
 */
import type { OrderCheck } from './drill-orders.js';
import { formatTable, mark } from './table.js';

/** Seconds from each break to recovery, as a presenter sees it (see drill-recovery.ts). */
export interface Recovery {
  /** To the part serving again; undefined: it never came back within the drill's bound. */
  back: (number | undefined)[];
  /** To the orders moving again (the first history event a working part must have written); undefined: not seen. */
  moving: (number | undefined)[];
}

export interface DrillResult {
  name: string;
  /** What survived, in a sentence. */
  survived: string;
  lost: number;
  duplicated: number;
  problems: string[];
  seconds: number;
  recovery?: Recovery;
}

export const drillPassed = (r: DrillResult): boolean => r.lost === 0 && r.duplicated === 0 && r.problems.length === 0;

export type Say = (line: string) => void;

/** How long orders get to finish once a drill stops breaking things. */
export const SETTLE_MS = 180_000;

export interface ResultInput {
  name: string;
  /** Date.now() when the drill began. */
  started: number;
  checks: OrderCheck[];
  notes?: string[];
  problems?: string[];
  recovery?: Recovery;
}

export function drillResult({ name, started, checks, notes = [], problems = [], recovery }: ResultInput): DrillResult {
  const failed = checks.filter((c) => c.problem);
  return {
    name,
    survived: [`${checks.length - failed.length}/${checks.length} orders ended as their scenario says`, ...notes].join('; '),
    lost: failed.length,
    duplicated: checks.reduce((sum, c) => sum + c.doubled, 0),
    problems: [
      ...problems,
      ...checks.flatMap((c) => [c.problem, c.effectsProblem].filter(Boolean).map((p) => `order ${c.order.orderId} (${c.order.scenario}): ${p}`)),
    ],
    seconds: (Date.now() - started) / 1000,
    recovery,
  };
}

/** A drill that threw: reported as failed, with its stack, instead of ending the run. */
export function crashedDrill(name: string, err: unknown): DrillResult {
  return { name, survived: 'the drill itself failed', lost: 0, duplicated: 0, problems: [(err as Error).stack ?? String(err)], seconds: 0 };
}

/** "back 4.1 s, moving 4.6 s"; with several breaks, the range ("back 1.2–9.8 s"). */
export function formatRecovery(recovery: Recovery | undefined): string {
  if (!recovery) return '-';
  const span = (values: (number | undefined)[], what: string): string => {
    const seen = values.filter((v): v is number => v !== undefined);
    const missing = values.length - seen.length;
    if (!seen.length) return `${what} not seen`;
    const low = Math.min(...seen).toFixed(1);
    const high = Math.max(...seen).toFixed(1);
    return `${what} ${low === high ? low : `${low}–${high}`} s${missing ? ` (${missing} not seen)` : ''}`;
  };
  return [span(recovery.back, 'back'), span(recovery.moving, 'moving')].join(', ');
}

export function formatResults(results: DrillResult[]): string {
  return formatTable(
    ['Drill', 'Lost', 'Duplicated', 'Time', 'Recovery', 'Result', 'What survived'],
    results.map((r) => [r.name, String(r.lost), String(r.duplicated), `${r.seconds.toFixed(0)} s`, formatRecovery(r.recovery), mark(drillPassed(r)), r.survived]),
  );
}
