/**
 * The benchmark's report: each figure measured over several runs, given as median and min–max, next to
 * its target when it has one; printed as a table and kept as JSON (bench-results/, docs/bench/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spread, type Spread } from './stats.js';
import { formatTable, mark } from './table.js';

export interface Target {
  /** As printed, e.g. "≤ 300 ms". */
  text: string;
  /** Judged on the median, or on the worst run where one bad run is one too many. */
  met: (figure: Spread) => boolean;
}

export interface Figure {
  name: string;
  unit: string;
  /** One value per run. */
  runs: number[];
  target?: Target;
}

export interface FigureReport extends Spread {
  name: string;
  unit: string;
  target?: string;
  pass?: boolean;
}

export interface BenchReport {
  date: string;
  machine: { cores: number; cpu: string; memoryGb: number; node: string; os: string };
  seconds: number;
  figures: FigureReport[];
  /** Sections that failed, with why: their figures are missing. */
  unmeasured: string[];
}

export function buildReport(figures: Figure[], unmeasured: string[], seconds: number): BenchReport {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    machine: {
      cores: cpus.length,
      cpu: cpus[0]?.model ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      os: `${os.type()} ${os.release()}`,
    },
    seconds: Math.round(seconds),
    figures: figures.map((f) => {
      const s = spread(f.runs);
      return { name: f.name, unit: f.unit, ...s, ...(f.target ? { target: f.target.text, pass: f.target.met(s) } : {}) };
    }),
    unmeasured,
  };
}

export function formatReport(report: BenchReport): string {
  const rows = report.figures.map((f) => [
    f.name,
    `${num(f.median)} ${f.unit}`,
    `${num(f.min)}–${num(f.max)}`,
    f.target ?? '',
    f.pass === undefined ? '' : mark(f.pass),
  ]);
  const runs = report.figures[0]?.runs.length ?? 0;
  const { machine } = report;
  return [
    formatTable(['Figure', 'Median', `Spread (min–max of ${runs} runs)`, 'Target', 'Result'], rows),
    '',
    `${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB, Node ${machine.node}, ${machine.os}; ${report.date}; bench took ${report.seconds} s.`,
    ...report.unmeasured.map((u) => `NOT MEASURED: ${u}`),
  ].join('\n');
}

/**
 * bench-results/latest.json (ignored by git), and docs/bench/latest.json (committed, cited by the README)
 * when every figure was measured: a partial run (a section failed, or only some were asked for) does not
 * replace a complete one there.
 */
export function writeReport(root: string, report: BenchReport, { partial = false }: { partial?: boolean } = {}): string[] {
  const files = [path.join(root, 'bench-results', 'latest.json')];
  if (report.unmeasured.length === 0 && !partial) files.push(path.join(root, 'docs', 'bench', 'latest.json'));
  for (const file of files) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  }
  return files.map((f) => path.relative(root, f));
}

/** Three significant figures is all these noisy numbers carry. */
function num(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return Math.abs(value) >= 100 ? value.toFixed(0) : Number(value.toPrecision(3)).toString();
}
