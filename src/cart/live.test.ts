/** The cart follower with a scripted Temporal: one follower per cart, a query per workflow task, the next run after a continue-as-new. */
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import type { HistoryPage } from '../temporal/client.js';
import type { CartView } from './api.js';
import type { CartClient } from './client.js';
import { CartHub, type CartMessage } from './live.js';

const { EventType } = proto.temporal.api.enums.v1;
const page = (types: number[], more = true): HistoryPage => ({ events: types.map((eventType) => ({ eventType })), nextPageToken: more ? new Uint8Array([1]) : undefined });
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

function scripted() {
  let run = 'r1';
  let version = 0;
  const polls: { runId: string; resolve: (p: HistoryPage) => void; signal: AbortSignal }[] = [];
  const calls = { get: 0, currentRun: 0 };
  const carts: Pick<CartClient, 'get' | 'currentRun' | 'watchHistory'> = {
    get: async () => {
      calls.get += 1;
      return { customerId: 'c', items: [], changes: version, run: Number(run.slice(1)) } as unknown as CartView;
    },
    currentRun: async () => {
      calls.currentRun += 1;
      return { runId: run, status: 'RUNNING' };
    },
    watchHistory: (_c, runId, _t, signal) => new Promise((resolve) => polls.push({ runId, resolve, signal })),
  };
  return { carts, calls, polls, change: () => (version += 1), continueAsNew: () => (run = 'r2') };
}

describe('CartHub', () => {
  it('follows a cart once for every viewer, asks after each workflow task, and moves to the next run', async () => {
    const t = scripted();
    const hub = new CartHub({ carts: t.carts, logger: createLogger({ name: 'test', level: 'error', json: true }), recheckMs: 10 });
    const seen: CartMessage[][] = [[], [], []];
    const leave = seen.map((messages) => hub.subscribe('c', (m) => messages.push(m)));
    await tick();
    expect(t.calls).toEqual({ get: 1, currentRun: 1 });
    expect(t.polls).toHaveLength(1);
    expect(seen.map((m) => m.length)).toEqual([1, 1, 1]);

    // Events without a completed workflow task (an update admitted, a task scheduled): no query.
    t.polls.at(-1)!.resolve(page([EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED]));
    await tick();
    expect(t.calls.get).toBe(1);
    t.change();
    t.polls.at(-1)!.resolve(page([EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED]));
    await tick();
    expect(t.calls.get).toBe(2);
    expect(seen[0]!.at(-1)).toMatchObject({ kind: 'cart', cart: { changes: 1 } });

    // The run continues as new: the history ends; the follower asks, then watches the new run.
    t.continueAsNew();
    t.polls.at(-1)!.resolve(page([EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW], false));
    await tick();
    await tick();
    expect(t.polls.at(-1)!.runId).toBe('r2');
    expect(seen[2]!.at(-1)).toMatchObject({ cart: { run: 2 } });
    // Same view again: not sent again.
    expect(seen[1]!.length).toBe(3);

    leave.forEach((off) => off());
    expect(t.polls.at(-1)!.signal.aborted).toBe(true);
    expect(hub.subscribers('c')).toBe(0);
  });

  it('shares one query among page renders while nobody follows the cart', async () => {
    const t = scripted();
    const hub = new CartHub({ carts: t.carts, logger: createLogger({ name: 'test', level: 'error', json: true }) });
    await Promise.all([1, 2, 3].map(() => hub.current('c')));
    expect(t.calls.get).toBe(1);
  });
});
