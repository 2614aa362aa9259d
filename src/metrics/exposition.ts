/**
 * A strict reader of the Prometheus text exposition format (0.0.4): the worker reads its own SDK counters
 * back with it (the SDK offers no in-process getter next to its Prometheus exporter), and the tests use it
 * to prove that what the endpoint serves is well formed. Anything a Prometheus server would refuse throws.
 */
export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
export type Labels = Record<string, string>;

export interface Sample {
  /** The sample's own name (e.g. x_bucket for histogram x). */
  name: string;
  /** The family it belongs to (x for x_bucket). */
  family: string;
  labels: Labels;
  value: number;
}

export interface Family {
  type: MetricType;
  help: string | undefined;
}

export interface Exposition {
  families: Map<string, Family>;
  samples: Sample[];
}

export class ExpositionError extends Error {
  override name = 'ExpositionError';
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})?[ \\t]+(\\S+)(?:[ \\t]+(-?\\d+))?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

export function parseExposition(text: string): Exposition {
  if (text !== '' && !text.endsWith('\n')) throw new ExpositionError('The exposition must end with a newline.');
  const families = new Map<string, Family>();
  const sampled = new Set<string>(); // families whose samples have begun
  const seen = new Set<string>(); // name + labels, to catch duplicates
  const samples: Sample[] = [];
  text.split('\n').forEach((line, index) => {
    const fail = (why: string): never => {
      throw new ExpositionError(`Line ${index + 1}: ${why}: ${JSON.stringify(line.slice(0, 200))}`);
    };
    if (line.trim() === '') return;
    const meta = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line);
    if (meta) {
      const [, kind, name, rest = ''] = meta as unknown as [string, 'HELP' | 'TYPE', string, string | undefined];
      if (!new RegExp(`^${NAME}$`).test(name)) fail('bad metric name');
      if (sampled.has(name)) fail(`${kind} after samples of the same metric`);
      const family = families.get(name) ?? { type: 'untyped', help: undefined };
      if (kind === 'TYPE') {
        if (!TYPES.has(rest.trim() as MetricType)) fail('unknown metric type');
        if (families.has(name) && families.get(name)!.type !== 'untyped') fail('second TYPE line');
        family.type = rest.trim() as MetricType;
      } else {
        if (family.help !== undefined) fail('second HELP line');
        family.help = rest.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
      }
      families.set(name, family);
      return;
    }
    if (line.startsWith('#')) return; // a plain comment
    const match = SAMPLE.exec(line) ?? fail('not a sample line');
    const [, name, rawLabels, rawValue] = match as unknown as [string, string, string | undefined, string];
    const labels = parseLabels(rawLabels ?? '', fail);
    const value = parseValue(rawValue) ?? fail('bad value');
    const family = familyOf(name, families);
    const type = families.get(family)?.type;
    if (type && !SUFFIXES[type].some((suffix) => name === family + suffix)) fail(`not a sample name of a ${type}`);
    if (type === 'histogram' && name.endsWith('_bucket') && labels.le === undefined) fail('bucket without le');
    const key = `${name}{${Object.entries(labels).sort().map(([k, v]) => `${k}=${v}`).join(',')}}`;
    if (seen.has(key)) fail('duplicate sample');
    seen.add(key);
    sampled.add(family);
    samples.push({ name, family, labels, value });
  });
  return { families, samples };
}

/** Sum of the samples called `name` whose labels include every pair of `match` (0 when there are none). */
export function sum(exposition: Exposition, name: string, match: Labels | ((labels: Labels) => boolean) = {}): number {
  const test = typeof match === 'function' ? match : (labels: Labels) => Object.entries(match).every(([k, v]) => labels[k] === v);
  return exposition.samples.filter((s) => s.name === name && test(s.labels)).reduce((total, s) => total + s.value, 0);
}

function parseLabels(raw: string, fail: (why: string) => never): Labels {
  const labels: Labels = {};
  let rest = raw.trim();
  while (rest !== '') {
    const match = LABEL.exec(rest) ?? fail('bad label set');
    const [whole, key, escaped] = match as unknown as [string, string, string];
    if (key in labels) fail(`label ${key} twice`);
    labels[key] = escaped.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(whole.length).trim();
  }
  return labels;
}

function parseValue(raw: string): number | undefined {
  if (raw === 'NaN') return NaN;
  if (raw === '+Inf' || raw === 'Inf') return Infinity;
  if (raw === '-Inf') return -Infinity;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw) ? Number(raw) : undefined;
}

/** x_bucket, x_sum and x_count belong to histogram x (and summary x); anything else is its own family. */
function familyOf(name: string, families: Map<string, Family>): string {
  for (const [family, { type }] of families) {
    if (SUFFIXES[type].some((suffix) => suffix !== '' && name === family + suffix)) return family;
  }
  return name;
}
