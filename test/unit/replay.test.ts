/**
 * Replay safety: the recorded histories (npm run record-histories) must replay against the code as it is
 * now. A change that reorders, adds or removes a command would break orders already running in
 * production; here it fails this test instead. No server needed: replay runs the workflow code alone.
 * Record a new workflow type's fixture alone (`npm run record-histories -- <Scenario>`) so the others stay
 * the histories of the code that was running before.
 * Two sets are replayed: the current recordings, and round1/, recorded before shipping became
 * non-cancellable (a patch marker, `shipping-not-cancellable`): orders started by that code must still
 * replay, taking the unpatched branch. round1's scenarios were also recorded while progress still moved
 * after each timer, and replay unchanged now that it moves before (a value in memory is no command).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker, type ReplayResult } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { isScenario, SCENARIOS, SHIPPING_WORKFLOW_TYPE, SIMULATED_BUG_MESSAGE, workflowTypeOf } from '../../src/temporal/contract.js';
import { SHIP_ORDER_HEARTBEAT, SHIPPING_NOT_CANCELLABLE } from '../../src/workflows/extras.js';
import { CART_WORKFLOW_TYPE } from '../../src/cart/api.js';
import { FULFILMENT_WORKFLOW_TYPE } from '../../src/fulfilment/api.js';
import { IDEMPOTENCE_WORKFLOW_TYPE } from '../../src/idempotence/api.js';
import type { WorkflowEntry } from '../../src/worker/bundles.js';
import { testBundles } from '../support/bundles.js';
import { ensureRuntime, testLogger } from '../support/workers.js';

const CURRENT = path.resolve(import.meta.dirname, '..', 'fixtures', 'histories');
/** current: recorded now; round2: before ShipOrder's heartbeat timeout; round1: before shipping was not cancellable. */
const SETS = { current: CURRENT, round2: path.join(CURRENT, 'round2'), round1: path.join(CURRENT, 'round1') } as const;

function fixtures(names: readonly string[], dir: string) {
  return names.map((name) => ({ workflowId: name, history: JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as unknown }));
}

async function replay(entry: WorkflowEntry, names: readonly string[], dir: string): Promise<ReplayResult[]> {
  ensureRuntime(testLogger('replay'));
  const results: ReplayResult[] = [];
  const histories = fixtures(names, dir);
  for await (const result of Worker.runReplayHistories({ workflowBundle: await testBundles(entry) }, histories)) results.push(result);
  return results;
}

const errorsOf = (results: ReplayResult[]) => results.filter((r) => r.error).map((r) => `${r.workflowId}: ${r.error?.message}`);

/** This console's own workflow types (contract.md "Our extensions"): recorded after round 1, so current only. */
const EXTENSIONS: Record<keyof typeof SETS, readonly string[]> = {
  current: [FULFILMENT_WORKFLOW_TYPE, IDEMPOTENCE_WORKFLOW_TYPE],
  round2: [FULFILMENT_WORKFLOW_TYPE, IDEMPOTENCE_WORKFLOW_TYPE],
  round1: [],
};

const markerOf = (id: string) => Buffer.from(JSON.stringify({ id, deprecated: false })).toString('base64');
/** The fixtures of a set whose history holds the patched() marker `id`. */
const withMarker = (dir: string, files: string[], id: string) =>
  files.filter((name) => readFileSync(path.join(dir, `${name}.json`), 'utf8').includes(markerOf(id))).sort();

describe.each(Object.entries(SETS))('replay of recorded histories (%s)', (set, DIR) => {
  const extensions = EXTENSIONS[set as keyof typeof SETS];
  it('has one fixture per scenario, plus ShippingWorkflow and the extensions, each a history of its own workflow type', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    expect(files.sort()).toEqual([...SCENARIOS, SHIPPING_WORKFLOW_TYPE, ...extensions].sort());
    // Each set is what it says. Since round 2 every order that shipped took the non-cancellable branch; now
    // every ShipOrder is scheduled with a heartbeat timeout, where the order (or ShippingWorkflow) runs it:
    // ChildWorkflow and NexusOperation ship through ShippingWorkflows, NonRecoverableFailure never ships.
    const shipped = set === 'round1' ? [] : [...SCENARIOS.filter((s) => s !== 'NonRecoverableFailure'), ...extensions];
    expect(withMarker(DIR, files, SHIPPING_NOT_CANCELLABLE)).toEqual([...shipped].sort());
    const shipsItself = (name: string) => name !== 'ChildWorkflow' && name !== 'NexusOperation';
    const heartbeated = set === 'current' ? [...shipped.filter(shipsItself), SHIPPING_WORKFLOW_TYPE] : [];
    expect(withMarker(DIR, files, SHIP_ORDER_HEARTBEAT)).toEqual(heartbeated.sort());
    // ... and the patched branch is the one with the timeout: ShipOrder scheduled with it, nothing else.
    type Scheduled = { activityTaskScheduledEventAttributes?: { activityType: { name: string }; heartbeatTimeout?: string } };
    const scheduled = (JSON.parse(readFileSync(path.join(DIR, 'HappyPath.json'), 'utf8')) as { events: Scheduled[] }).events
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a) => a !== undefined);
    const withTimeout = scheduled.filter((a) => a.heartbeatTimeout && a.heartbeatTimeout !== '0s').map((a) => a.activityType.name);
    expect(withTimeout).toEqual(set === 'current' ? ['ShipOrder', 'ShipOrder', 'ShipOrder'] : []);
    for (const { workflowId: name, history } of fixtures(files, DIR)) {
      const started = (history as { events: { workflowExecutionStartedEventAttributes?: { workflowType: { name: string } } }[] }).events[0];
      const type = isScenario(name) ? workflowTypeOf(name) : name;
      expect(started?.workflowExecutionStartedEventAttributes?.workflowType.name, name).toBe(type);
    }
  });

  it('replays every history against the deployed (fixed) code without a determinism error', async () => {
    const results = await replay('orders-fixed', [...SCENARIOS, SHIPPING_WORKFLOW_TYPE, ...extensions], DIR);
    expect(results).toHaveLength(SCENARIOS.length + 1 + extensions.length);
    expect(errorsOf(results)).toEqual([]);
  });

  it('replays every history but RecoverableFailure against the code as first shipped', async () => {
    const names = [...SCENARIOS.filter((s) => s !== 'RecoverableFailure'), SHIPPING_WORKFLOW_TYPE, ...extensions];
    const results = await replay('orders', names, DIR);
    expect(results).toHaveLength(names.length);
    expect(errorsOf(results)).toEqual([]);
  });

  it('hits the bug again when the RecoverableFailure history meets the unfixed code', async () => {
    const [result] = await replay('orders', ['RecoverableFailure'], DIR);
    expect(result?.error?.message).toContain(SIMULATED_BUG_MESSAGE);
  });
});

/**
 * The cart (our extension, recorded by scripts/record-cart-history.ts): a run that continued as new after
 * its changes, and the next run, started with the carried state, checking out (a child order). Kept in a
 * folder of its own: the sets above hold exactly the contract's scenarios.
 */
describe('replay of recorded CartWorkflow histories', () => {
  const DIR = path.join(CURRENT, 'cart');
  const RUNS = ['CartWorkflow-run1', 'CartWorkflow-run2'] as const;
  type Event = { eventType: string; workflowExecutionStartedEventAttributes?: { workflowType: { name: string }; input?: unknown } };
  const eventsOf = (name: string) => (JSON.parse(readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as { events: Event[] }).events;

  it('holds a run that continued as new and the next run, which started an order', () => {
    const [first, second] = RUNS.map(eventsOf);
    for (const events of [first!, second!]) expect(events[0]?.workflowExecutionStartedEventAttributes?.workflowType.name).toBe(CART_WORKFLOW_TYPE);
    expect(first!.at(-1)?.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
    expect(second!.map((e) => e.eventType)).toContain('EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED');
  });

  it.each(['orders', 'orders-fixed'] as const)('replays both runs against the %s bundle without a determinism error', async (entry) => {
    const results = await replay(entry, RUNS, DIR);
    expect(results).toHaveLength(RUNS.length);
    expect(errorsOf(results)).toEqual([]);
  });
});
