/**
 * Finds the lines to highlight for a focus by searching the workflow source for stable markers (the
 * contract's activity names, `throw`, `sleep(`, `condition(`, the compensations' undo calls), never by
 * line numbers, so the view follows the code when it is edited. Pure: text in, line numbers out.
 */
import { ACTIVITY } from '../../temporal/contract.js';
import type { Focus } from './focus.js';

/** 1-based line numbers, and what could not be found (shown, never thrown: the code still shows). */
export interface Marks {
  lines: number[];
  missing: string[];
}

interface Marker {
  /** Said when it is not found: "sleep( after CheckFraud(". */
  name: string;
  pattern: RegExp;
  /** Search only after this marker's line, inside the same top-level function. */
  after?: Marker;
  /** Every match, not only the first. */
  all?: boolean;
}

const call = (name: string): Marker => ({ name: `${name}(`, pattern: new RegExp(`\\b${name}\\(`) });
const CALLS_SHIPPING: Marker = { name: 'executeChild( / executeOperation( / ShipOrder(', pattern: /\b(executeChild|executeOperation|ShipOrder)\(/, all: true };
const THROW: Marker = { name: 'throw', pattern: /\bthrow\b/ };
const COMPENSATIONS = [ACTIVITY.undoPrepareShipment, ACTIVITY.undoChargeCustomer].map(call);
/** The shared flow's call of a scenario's hook after the charge (RecoverableFailure's bug, fulfilment's couriers). */
const AFTER_CHARGE: Marker = { name: 'afterCharge?.(', pattern: /\bafterCharge(\?\.)?\(/ };
/** The shared flow's call of a scenario's own shipping (child workflows, Nexus). */
const SHIP_ITEMS_OPTION: Marker = { name: 'options.shipItems', pattern: /\boptions\.shipItems\b/ };

/** What a scenario's own file does beyond calling the shared flow. */
export interface ScenarioTraits {
  /** Ships the items itself (child workflows, Nexus). */
  ownShipping: boolean;
  /** Has a `throw` of its own (RecoverableFailure's bug). */
  throws: boolean;
}

export function traitsOf(scenarioSource: string): ScenarioTraits {
  const lines = scenarioSource.split('\n');
  return { ownShipping: findLines(lines, CALLS_SHIPPING).length > 0, throws: findLines(lines, THROW).length > 0 };
}

/** What to highlight in the shared flow (order-flow.ts). */
export function flowMarkers(focus: Focus, traits: ScenarioTraits): Marker[] {
  switch (focus.kind) {
    case 'starting':
      return [call(ACTIVITY.getItems)];
    case 'activity':
      return [call(focus.activity)];
    case 'timer':
      return [{ name: `sleep( after ${focus.after}(`, pattern: /\bsleep\(/, after: call(focus.after) }];
    case 'awaiting-address':
      return [call('condition')];
    case 'shipping':
      return traits.ownShipping ? [SHIP_ITEMS_OPTION] : [SHIP_ITEMS_OPTION, call(ACTIVITY.shipOrder)];
    case 'awaiting-courier':
      return [AFTER_CHARGE];
    case 'bug':
      // Where the flow calls the scenario's hook that throws; a task failing for another reason (a worker of
      // another language, a non-determinism error) has no known line.
      return traits.throws ? [AFTER_CHARGE] : [];
    case 'compensating':
      return [...COMPENSATIONS, { name: 'runAll(', pattern: /\.runAll\(/ }];
    case 'completed':
      return [{ name: 'return { trackingId', pattern: /\breturn\b.*\btrackingId\b/ }];
    case 'ended':
      return focus.at ? [call(focus.at)] : [];
  }
}

/** What to highlight in the scenario's own file: its own code when it runs now, else its call of the flow. */
export function scenarioMarkers(focus: Focus, source: string): Marker[] {
  const has = (re: RegExp) => findLines(source.split('\n'), { name: '', pattern: re }).length > 0;
  const traits = traitsOf(source);
  const own: Marker[] = [];
  if (focus.kind === 'bug' && traits.throws) own.push(THROW);
  if (focus.kind === 'shipping' && traits.ownShipping) own.push(CALLS_SHIPPING);
  // Fulfilment hands the flow hooks of its own: the wait for a courier, then shipping as couriers dispatch.
  if (focus.kind === 'awaiting-courier') own.push({ name: 'condition(woken', pattern: /\bcondition\(woken\b/, all: true });
  if (focus.kind === 'shipping' && !traits.ownShipping && has(/\bshipItems:/)) own.push({ name: 'shipItems:', pattern: /\bshipItems:/ });
  if (focus.kind === 'awaiting-address' && has(/\baddressChannel\b/)) own.push({ name: 'addressChannel', pattern: /\baddressChannel\b/ });
  // AdvancedVisibility's hook runs as each step begins.
  if (['activity', 'shipping', 'completed'].includes(focus.kind) && has(/\bupsertSearchAttributes\(/)) own.push(call('upsertSearchAttributes'));
  return own.length > 0 ? own : [call('runOrderFlow')];
}

export function resolveMarks(source: string, markers: readonly Marker[]): Marks {
  const lines = source.split('\n');
  const marks: Marks = { lines: [], missing: [] };
  for (const marker of markers) {
    const found = findLines(lines, marker);
    if (found.length === 0) marks.missing.push(marker.name);
    marks.lines.push(...(marker.all ? found : found.slice(0, 1)));
  }
  marks.lines = [...new Set(marks.lines)].sort((a, b) => a - b);
  return marks;
}

/** 1-based numbers of the code lines (not comments, not imports) that match. */
function findLines(lines: readonly string[], marker: Marker): number[] {
  let from = 0;
  let to = lines.length;
  if (marker.after) {
    const anchor = findLines(lines, marker.after)[0];
    if (anchor === undefined) return [];
    from = anchor; // the anchor is 1-based: searching from its index starts on the next line
    to = functionAt(lines, anchor - 1)?.end ?? lines.length;
  }
  const found: number[] = [];
  for (let i = from; i < to; i++) {
    const line = lines[i]!;
    if (isCommentOrImport(line)) continue;
    if (marker.pattern.test(stripLineComment(line))) found.push(i + 1);
  }
  return found;
}

/** The top-level declaration around a 0-based line: index of its first line and one past its closing brace. */
export function functionAt(lines: readonly string[], index: number): { start: number; end: number } | undefined {
  let start = index;
  while (start >= 0 && !TOP_LEVEL_DECLARATION.test(lines[start]!)) start--;
  if (start < 0) return undefined;
  let end = Math.max(index, start);
  while (end < lines.length && !/^\}/.test(lines[end]!)) end++;
  return end < lines.length ? { start, end: end + 1 } : undefined;
}

const TOP_LEVEL_DECLARATION = /^(export\s+)?(default\s+)?((async\s+)?function\b|const\s+[\w$]+\b|class\b)/;

function isCommentOrImport(line: string): boolean {
  return /^\s*(\/\/|\/\*|\*|import\b)/.test(line);
}

function stripLineComment(line: string): string {
  const at = line.indexOf(' //');
  return at >= 0 ? line.slice(0, at) : line;
}
