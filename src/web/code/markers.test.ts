import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIVITY, SCENARIOS, workflowTypeOf } from '../../temporal/contract.js';
import type { Scenario } from '../../temporal/contract.js';
import type { StepView } from '../orders/steps.js';
import type { OrderView } from '../orders/view.js';
import { buildCodeView } from './code-view.js';
import type { CodeFileView } from './code-view.js';
import { focusOf, MAIN_ACTIVITIES } from './focus.js';
import type { Focus } from './focus.js';
import { flowMarkers, resolveMarks, scenarioMarkers, traitsOf } from './markers.js';
import { createWorkflowSources, exportSource, FLOW_FILE, WORKFLOWS_DIR } from './sources.js';
import { tokenizeLines } from './tokens.js';
import { createViews } from '../render.js';

const sources = createWorkflowSources();
const source = (file: string) => readFileSync(path.join(WORKFLOWS_DIR, file), 'utf8');
const lineOf = (text: string, n: number) => text.split('\n')[n - 1] ?? '';

const step = (key: string, state: StepView['state'], attempt?: number): StepView => ({
  key, label: key, state, attempt, failure: undefined, nextAttemptAt: undefined, via: undefined,
});
const running: Pick<OrderView, 'phase' | 'terminal' | 'compensations' | 'stuck' | 'awaitingAddress'> = {
  phase: 'running', terminal: false, compensations: [], stuck: undefined, awaitingAddress: undefined,
};
const stuck = { message: 'Simulated bug - fix me!', attempts: 3, simulatedBug: true, where: undefined, retryEveryMs: 2000, slowingDown: false, nextRetryAt: undefined };

/** Every focus a scenario's order can be in, with the view that leads to it. */
function focusesOf(scenario: Scenario): Focus[] {
  const focuses: Focus[] = [{ kind: 'starting' }, { kind: 'shipping' }, { kind: 'completed' }, { kind: 'compensating', done: true }];
  for (const activity of MAIN_ACTIVITIES) focuses.push({ kind: 'activity', activity, state: 'running', attempt: 1 }, { kind: 'timer', after: activity });
  if (scenario.startsWith('HumanInLoop')) focuses.push({ kind: 'awaiting-address' });
  if (scenario === 'RecoverableFailure') focuses.push({ kind: 'bug' });
  return focuses;
}

describe('the code view finds its lines by markers in the real workflow source', () => {
  it('resolves every marker of every scenario, in its own file and in the shared flow', async () => {
    const flow = source(FLOW_FILE);
    for (const scenario of SCENARIOS) {
      const file = (await sources.workflowFile(workflowTypeOf(scenario), false))!;
      const own = source(file);
      expect(own, `${file} exports the ${scenario} workflow`).toContain(`export async function ${workflowTypeOf(scenario)}(`);
      for (const focus of focusesOf(scenario)) {
        const what = `${scenario} ${JSON.stringify(focus)}`;
        const inFlow = resolveMarks(flow, flowMarkers(focus, traitsOf(own)));
        const inOwn = resolveMarks(own, scenarioMarkers(focus, own));
        expect(inOwn.missing, what).toEqual([]);
        expect(inOwn.lines.length, what).toBeGreaterThan(0);
        expect(inFlow.missing, what).toEqual([]);
        expect(inFlow.lines.length, what).toBeGreaterThan(0);
      }
    }
  });

  it('marks the activity call, then the timer after it, in the shared step', () => {
    const flow = source(FLOW_FILE);
    const traits = traitsOf(source('happy-path.ts'));
    for (const activity of MAIN_ACTIVITIES) {
      const [call] = resolveMarks(flow, flowMarkers({ kind: 'activity', activity, state: 'running', attempt: 1 }, traits)).lines;
      expect(lineOf(flow, call!)).toContain(`${activity}(`);
      const [timer] = resolveMarks(flow, flowMarkers({ kind: 'timer', after: activity }, traits)).lines;
      expect(lineOf(flow, timer!)).toMatch(/\bsleep\(/);
      expect(timer!).toBeGreaterThan(call!);
      expect(timer! - call!).toBeLessThan(6); // the step's own timer, not a later one
    }
  });

  it('RecoverableFailure: the line that throws, and the shared flow\'s call of the hook', () => {
    const own = source('recoverable-failure.ts');
    const flow = source(FLOW_FILE);
    const marks = resolveMarks(own, scenarioMarkers({ kind: 'bug' }, own)).lines;
    expect(marks.map((n) => lineOf(own, n).trim())).toEqual(['throw new Error(SIMULATED_BUG_MESSAGE);']);
    const call = resolveMarks(flow, flowMarkers({ kind: 'bug' }, traitsOf(own))).lines;
    expect(call.map((n) => lineOf(flow, n))).toEqual([expect.stringMatching(/afterCharge\?\.\(ctx\)/)]);
  });

  it('NonRecoverableFailure: both compensation registrations, and where the undos run', () => {
    const flow = source(FLOW_FILE);
    const marks = resolveMarks(flow, flowMarkers({ kind: 'compensating', done: true }, traitsOf(source('non-recoverable-failure.ts'))));
    const lines = marks.lines.map((n) => lineOf(flow, n));
    expect(lines.filter((l) => /saga\.add\(/.test(l))).toEqual([
      expect.stringContaining(`${ACTIVITY.undoPrepareShipment}(`),
      expect.stringContaining(`${ACTIVITY.undoChargeCustomer}(`),
    ]);
    expect(lines).toContainEqual(expect.stringContaining('.runAll('));
  });

  it('shipping: the scenario\'s own shipping code, else the flow\'s ShipOrder activities', () => {
    const marked = (file: string) => {
      const own = source(file);
      return resolveMarks(own, scenarioMarkers({ kind: 'shipping' }, own)).lines.map((n) => lineOf(own, n));
    };
    expect(marked('child-workflow.ts')).toEqual([expect.stringContaining('executeChild(')]);
    expect(marked('nexus-operation.ts')).toEqual([expect.stringContaining('executeOperation(')]);
    expect(marked('happy-path.ts')).toEqual([expect.stringContaining('runOrderFlow(')]);
    const flow = source(FLOW_FILE);
    const happy = resolveMarks(flow, flowMarkers({ kind: 'shipping' }, traitsOf(source('happy-path.ts')))).lines.map((n) => lineOf(flow, n));
    expect(happy).toContainEqual(expect.stringContaining(`${ACTIVITY.shipOrder}(`));
  });

  it('follows the code when it is edited: no line numbers, and a vanished marker is reported, not thrown', () => {
    const flow = source(FLOW_FILE);
    const edited = `// a new first line\n// and another\n${flow}`;
    const focus: Focus = { kind: 'activity', activity: ACTIVITY.chargeCustomer, state: 'running', attempt: 1 };
    const traits = traitsOf(source('happy-path.ts'));
    const before = resolveMarks(flow, flowMarkers(focus, traits)).lines;
    expect(resolveMarks(edited, flowMarkers(focus, traits)).lines).toEqual(before.map((n) => n + 2));
    const gone = resolveMarks(flow.replaceAll('ChargeCustomer(', 'Charge('), flowMarkers(focus, traits));
    expect(gone).toEqual({ lines: [], missing: ['ChargeCustomer('] });
    // A mention in a comment is no code.
    expect(resolveMarks('// await sleep(1)\nconst x = 1;', [{ name: 'sleep(', pattern: /\bsleep\(/ }]).lines).toEqual([]);
  });
});

describe('the current step, from the order view', () => {
  it('follows the order from start to end', () => {
    expect(focusOf({ ...running, steps: [step('CheckFraud', 'pending')] })).toEqual({ kind: 'starting' });
    expect(focusOf({ ...running, steps: [step('CheckFraud', 'running', 1)] })).toMatchObject({ kind: 'activity', activity: 'CheckFraud', state: 'running' });
    expect(focusOf({ ...running, steps: [step('CheckFraud', 'completed'), step('PrepareShipment', 'pending')] })).toEqual({ kind: 'timer', after: 'CheckFraud' });
    expect(focusOf({ ...running, steps: [step('CheckFraud', 'completed'), step('PrepareShipment', 'completed'), step('ChargeCustomer', 'retrying', 4)] }))
      .toEqual({ kind: 'activity', activity: 'ChargeCustomer', state: 'retrying', attempt: 4 });
    expect(focusOf({ ...running, awaitingAddress: { via: 'update', deadline: 1 }, steps: [step('ChargeCustomer', 'completed')] })).toEqual({ kind: 'awaiting-address' });
    expect(focusOf({ ...running, steps: [step('ChargeCustomer', 'completed'), step('ShipOrder-654300', 'running')] })).toEqual({ kind: 'shipping' });
    expect(focusOf({ ...running, stuck, steps: [step('ChargeCustomer', 'completed')] })).toEqual({ kind: 'bug' });
    expect(focusOf({ ...running, compensations: [step('UndoChargeCustomer', 'running')], steps: [] })).toEqual({ kind: 'compensating', done: false });
    expect(focusOf({ ...running, phase: 'failed', terminal: true, compensations: [step('UndoChargeCustomer', 'completed')], steps: [] })).toEqual({ kind: 'compensating', done: true });
    expect(focusOf({ ...running, phase: 'completed', terminal: true, steps: [] })).toEqual({ kind: 'completed' });
    expect(focusOf({ ...running, phase: 'terminated', terminal: true, steps: [step('CheckFraud', 'completed')] })).toEqual({ kind: 'ended', phase: 'terminated', at: 'CheckFraud' });
  });

  it('shows our extensions\' own files from their domain folders beside the shared flow, and nothing for a type the worker lacks', async () => {
    const atCharge = { ...running, scenario: undefined, steps: [step('ChargeCustomer', 'running', 1)] };
    const idempotence = await buildCodeView(sources, { ...atCharge, workflowType: 'OrderIdempotenceWorkflow' });
    const own = idempotence!.files.find((f) => f.role === 'scenario')!;
    expect(own.path).toBe('src/idempotence/workflows.ts');
    expect(own.missing).toEqual([]);
    expect(markedText(own)).toEqual(['return runOrderFlow(input);']);
    expect(markedText(idempotence!.files.find((f) => f.role === 'flow')!).join('\n')).toMatch(/ChargeCustomer\(/);
    const fulfilment = await buildCodeView(sources, { ...atCharge, workflowType: 'OrderFulfilmentWorkflow' });
    expect(fulfilment!.files[0]!.path).toBe('src/fulfilment/workflows.ts');
    expect(fulfilment!.files[0]!.missing).toEqual([]);
    const couriers = (phase: 'awaiting-courier' | 'shipping') => ({ phase, shipments: [], amendment: null, amendable: phase === 'awaiting-courier', cancelledBecause: null });
    const waiting = await buildCodeView(sources, { ...atCharge, workflowType: 'OrderFulfilmentWorkflow', steps: [step('ChargeCustomer', 'completed')], fulfilment: couriers('awaiting-courier') });
    expect(waiting!.focus).toEqual({ kind: 'awaiting-courier' });
    expect(waiting!.files.flatMap((f) => f.missing)).toEqual([]);
    expect(markedText(waiting!.files[0]!)).toHaveLength(2);
    // A long file is shown around what runs now (with its function's first line), not from its top.
    const shown = waiting!.files[0]!.hunks.flat();
    expect(shown.length).toBeLessThan(40);
    expect(shown[0]!.tokens.map((t) => t.text).join('')).toMatch(/^export async function OrderFulfilmentWorkflow\(/);
    const shipping = await buildCodeView(sources, { ...atCharge, workflowType: 'OrderFulfilmentWorkflow', steps: [step('ChargeCustomer', 'completed')], fulfilment: couriers('shipping') });
    expect(shipping!.focus).toEqual({ kind: 'shipping' });
    expect(markedText(shipping!.files[0]!)).toEqual(['shipItems: (ctx) => shipByCourier(ctx),']);
    expect(markedText(shipping!.files[1]!).join('\n')).toContain('options.shipItems');
    expect(await buildCodeView(sources, { ...atCharge, workflowType: 'SomeoneElsesWorkflow' })).toBeUndefined();
  });

  it('shows RecoverableFailure\'s buggy file while it is stuck and the fixed one once it ships', async () => {
    const view = { ...running, workflowType: 'OrderWorkflowRecoverableFailure', scenario: 'RecoverableFailure' as const, stuck, steps: [step('ChargeCustomer', 'completed')] };
    const stuckView = await buildCodeView(sources, view);
    const own = stuckView!.files.find((f) => f.role === 'scenario')!;
    expect(own.path).toBe('src/workflows/recoverable-failure.ts');
    expect(markedText(own)).toEqual(['throw new Error(SIMULATED_BUG_MESSAGE);']);
    expect(stuckView!.focus).toEqual({ kind: 'bug' });
    const done = await buildCodeView(sources, { ...view, stuck: undefined, phase: 'completed', terminal: true });
    expect(done!.files[0]!.path).toBe('src/workflows/recoverable-failure-fixed.ts');
    expect(done!.key).not.toBe(stuckView!.key);
  });
});

describe('sources and tokens', () => {
  it('reads which file exports a workflow from the bundle entry points', async () => {
    expect(exportSource("export { A } from './a.js';\nexport { B, C as D } from './b-c.js';", 'D')).toBe('b-c.ts');
    expect(exportSource("export { A } from './a.js';", 'Z')).toBeUndefined();
    expect(exportSource("export { E } from '../fulfilment/workflows.js';", 'E')).toBe('../fulfilment/workflows.ts');
    expect(exportSource("export { F } from 'some-package';", 'F')).toBeUndefined();
    expect(await sources.workflowFile('OrderWorkflowHappyPath', false)).toBe('happy-path.ts');
    expect(await sources.workflowFile('OrderWorkflowHappyPath', true)).toBe('happy-path.ts'); // through index-fixed.ts's re-export
    expect(await sources.workflowFile('OrderWorkflowRecoverableFailure', true)).toBe('recoverable-failure-fixed.ts');
    expect(await sources.workflowFile('OrderFulfilmentWorkflow', false)).toBe('../fulfilment/workflows.ts');
    expect(await sources.workflowFile('SomeoneElsesWorkflow', false)).toBeUndefined();
    await expect(sources.read('../config.ts')).rejects.toThrow(/Not a workflow source file/);
    await expect(sources.read('../../package.ts')).rejects.toThrow(/Not a workflow source file/);
    expect((await sources.read('../fulfilment/workflows.ts')).path).toBe('src/fulfilment/workflows.ts');
  });

  it('tokenizes without losing a character, with keywords, strings, comments and calls classed', () => {
    const text = source(FLOW_FILE);
    expect(tokenizeLines(text).map((line) => line.map((t) => t.text).join(''))).toEqual(text.split('\n'));
    const [line] = tokenizeLines("await sleep(1_000); // 'why' <b>");
    expect(line).toEqual([
      { kind: 'kw', text: 'await' }, { kind: 'txt', text: ' ' }, { kind: 'fn', text: 'sleep' }, { kind: 'txt', text: '(' },
      { kind: 'num', text: '1_000' }, { kind: 'txt', text: '); ' }, { kind: 'com', text: "// 'why' <b>" },
    ]);
    const block = tokenizeLines('/* a\n b */ const s = `x\ny`;');
    expect(block[0]).toEqual([{ kind: 'com', text: '/* a' }]);
    expect(block[1]![0]).toEqual({ kind: 'com', text: ' b */' });
    expect(block[2]).toEqual([{ kind: 'str', text: 'y`' }, { kind: 'txt', text: ';' }]);
  });
});

describe('rendering', () => {
  it('escapes every token through Eta (no HTML is built in code)', async () => {
    const views = createViews(path.resolve(import.meta.dirname, '..', '..', '..', 'views'), undefined);
    const evil = { read: async () => ({ path: 'src/workflows/x.ts', text: 'export async function f() {\n  return runOrderFlow("<script>alert(1)</script>");\n}', version: 1 }), workflowFile: async () => 'x.ts' };
    const code = await buildCodeView(evil, { ...running, workflowType: 'OrderWorkflowHappyPath', scenario: 'HappyPath', steps: [] });
    const html = views.partial('code-view', { orderId: '1', code, digest: 'd', trigger: 'every 1s, refresh', presenter: true });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('hx-get="/orders/1/code?seen=d"');
    expect(html).toMatch(/<div class="code-line code-mark" data-line="2" data-testid="code-mark">/);
  });
});

function markedText(file: CodeFileView): string[] {
  return file.hunks.flat().filter((l) => l.mark).map((l) => l.tokens.map((t) => t.text).join('').trim());
}
