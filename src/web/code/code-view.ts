/**
 * What the "Show the code" region renders: the scenario's own workflow file and the shared step the order
 * is in now, each as excerpts of the real source (real line numbers) with the current lines marked and
 * light syntax highlighting. Everything is plain data; the template escapes every token.
 */
import { workflowTypeOf } from '../../temporal/contract.js';
import type { OrderView } from '../orders/view.js';
import { focusCaption, focusOf } from './focus.js';
import type { Focus, FocusFacts } from './focus.js';
import { flowMarkers, functionAt, resolveMarks, scenarioMarkers, traitsOf } from './markers.js';
import { FLOW_FILE } from './sources.js';
import type { SourceFile, WorkflowSources } from './sources.js';
import { tokenizeLines } from './tokens.js';
import type { Token } from './tokens.js';

export interface CodeLine {
  n: number;
  mark: boolean;
  tokens: Token[];
}

export interface CodeFileView {
  role: 'scenario' | 'flow';
  path: string;
  /** Runs of consecutive lines; a gap between two is shown as an ellipsis. */
  hunks: CodeLine[][];
  /** Markers not found in the file (the code was edited in a way they no longer match). */
  missing: string[];
}

export interface CodeView {
  focus: Focus;
  caption: string;
  files: CodeFileView[];
  /** Changes whenever what is shown does: the region is swapped only then. */
  key: string;
}

/** A function longer than this is shown as a window around the marked lines (plus its first line). */
const MAX_WHOLE_FUNCTION = 18;
/** A scenario's own file longer than this (from its first declaration) is shown around its marks too. */
const MAX_WHOLE_FILE = 40;
const WINDOW = 4;

/**
 * The view of an order's code, or undefined when this console's worker has no workflow of the order's type
 * (another language's worker started it under a type of its own). Our extensions (fulfilment, idempotence)
 * show their own file from their domain's folder beside the shared flow they call.
 */
export async function buildCodeView(
  sources: WorkflowSources,
  view: FocusFacts & Pick<OrderView, 'workflowType' | 'scenario'>,
): Promise<CodeView | undefined> {
  const focus = focusOf(view);
  // RecoverableFailure completes (or ships) only on the fixed code: show the file that runs then.
  const fixed = view.scenario === 'RecoverableFailure' && !view.stuck && (focus.kind === 'shipping' || focus.kind === 'completed');
  const file = await sources.workflowFile(view.scenario ? workflowTypeOf(view.scenario) : view.workflowType, fixed);
  if (!file) return undefined;
  const [scenario, flow] = await Promise.all([sources.read(file), sources.read(FLOW_FILE)]);
  const scenarioMarks = resolveMarks(scenario.text, scenarioMarkers(focus, scenario.text));
  const flowMarks = resolveMarks(flow.text, flowMarkers(focus, traitsOf(scenario.text)));
  const files: CodeFileView[] = [
    fileView('scenario', scenario, scenarioMarks.lines, scenarioMarks.missing, ownRanges(scenario.text, scenarioMarks.lines)),
    fileView('flow', flow, flowMarks.lines, flowMarks.missing, flowRanges(flow.text, flowMarks.lines)),
  ];
  const key = JSON.stringify([focus, scenario.path, scenario.version, flow.version]);
  return { focus, caption: focusCaption(focus), files, key };
}

/** 0-based [start, end) ranges. */
type Range = [number, number];

function fileView(role: CodeFileView['role'], file: SourceFile, marks: number[], missing: string[], ranges: Range[]): CodeFileView {
  const tokens = tokenizeLines(file.text);
  const marked = new Set(marks);
  const hunks = merge(ranges).map(([start, end]) =>
    tokens.slice(start, end).map((line, i): CodeLine => ({ n: start + i + 1, mark: marked.has(start + i + 1), tokens: line })),
  );
  return { role, path: file.path, hunks, missing };
}

/**
 * A scenario's file from its first declaration (after the doc comment and imports) to its end: the nine
 * scenarios' files are a few lines. A long one (fulfilment's, 170 lines) is shown as the shared flow is,
 * around its marked lines, so the room sees what runs now without scrolling.
 */
function ownRanges(text: string, marks: number[]): Range[] {
  const lines = text.replace(/\s+$/, '').split('\n');
  const first = Math.max(0, lines.findIndex((l) => /^(export\s+)?((async\s+)?function|const|class)\b/.test(l)));
  return lines.length - first <= MAX_WHOLE_FILE ? [[first, lines.length]] : flowRanges(text, marks);
}

/** Around each marked line of the shared flow: its whole function when short, else a window and the signature. */
function flowRanges(text: string, marks: number[]): Range[] {
  const lines = text.split('\n');
  if (marks.length === 0) {
    const start = lines.findIndex((l) => /^export\s+async\s+function\b/.test(l));
    return start >= 0 ? [[start, Math.min(lines.length, start + 2 * WINDOW)]] : [];
  }
  return marks.flatMap((n): Range[] => {
    const fn = functionAt(lines, n - 1);
    if (!fn) return [[Math.max(0, n - 1 - WINDOW), Math.min(lines.length, n + WINDOW)]];
    if (fn.end - fn.start <= MAX_WHOLE_FUNCTION) return [[fn.start, fn.end]];
    return [[fn.start, fn.start + 1], [Math.max(fn.start, n - 1 - WINDOW), Math.min(fn.end, n + WINDOW)]];
  });
}

function merge(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    // A gap of one line reads better shown than as an ellipsis.
    if (last && start <= last[1] + 1) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}
