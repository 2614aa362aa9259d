/** What the pages show of a fulfilment order: the worker's answer while it runs, the history's once it ended. */
import { describe, expect, it } from 'vitest';
import { readHistory } from '../web/orders/history.js';
import type { StatusPill } from '../web/orders/wording.js';
import { amendmentProblem, FULFILMENT_WORKFLOW_TYPE, type FulfilmentState } from './api.js';
import { fulfilmentOf, fulfilmentPill } from './view.js';

const ITEMS = [
  { id: 654300, description: 'Table Top', quantity: 1 },
  { id: 654321, description: 'Table Legs', quantity: 2 },
];

describe('amendmentProblem', () => {
  it('names what is wrong with an amendment, or nothing', () => {
    expect(amendmentProblem({ items: [] }, ITEMS)).toMatch(/at least one item/);
    expect(amendmentProblem({ items: [{ id: 1, quantity: 1 }] }, ITEMS)).toBe('Item 1 is not in this order');
    expect(amendmentProblem({ items: [{ id: 654321, quantity: 3 }, { id: 654321, quantity: 4 }] }, ITEMS)).toBe('Item 654321 is named twice');
    expect(amendmentProblem({ items: [{ id: 654321, quantity: 1.5 }] }, ITEMS)).toMatch(/whole number from 1 to 99/);
    expect(amendmentProblem({ items: [{ id: 654321, quantity: 100 }] }, ITEMS)).toMatch(/whole number from 1 to 99/);
    expect(amendmentProblem({ items: [{ id: 654321, quantity: 2 }] }, ITEMS)).toMatch(/already ordered/);
    expect(amendmentProblem({ items: [{ id: 654321, quantity: 3 }] }, ITEMS)).toBeUndefined();
    expect(amendmentProblem(undefined, ITEMS)).toMatch(/at least one item/);
  });
});

describe('fulfilmentOf', () => {
  const live: FulfilmentState = { phase: 'shipping', shipments: [], amendment: null, amendable: false, cancelledBecause: null };

  it('is nothing for the contract\'s scenarios', () => {
    expect(fulfilmentOf('OrderWorkflowHappyPath', readHistory([]), { state: { fulfilment: live } as never }, true)).toBeUndefined();
  });

  it('takes the worker\'s answer while the order runs, and the history\'s accepted updates once it ended', () => {
    expect(fulfilmentOf(FULFILMENT_WORKFLOW_TYPE, readHistory([]), { state: { fulfilment: live } as never }, true)).toBe(live);
    const facts = readHistory([]);
    facts.updates.push(
      { name: 'AmendOrder', args: [{ items: [{ id: 654321, quantity: 5 }] }], result: {} },
      { name: 'ConfirmAmendment', args: [], result: {} },
      { name: 'DispatchShipment', args: [{ itemId: 654300 }], result: {} },
      { name: 'DeliverShipment', args: [{ itemId: 654300 }], result: {} },
      { name: 'DispatchShipment', args: [{ itemId: 654321 }], result: {} },
    );
    const ended = fulfilmentOf(FULFILMENT_WORKFLOW_TYPE, facts, { state: { fulfilment: live } as never }, false)!;
    expect(ended.shipments.map((s) => [s.item.id, s.status, s.item.quantity])).toEqual([
      [654300, 'delivered', 1],
      [654321, 'dispatched', 5],
      [654322, 'waiting', 1],
    ]);
    expect(ended.amendment?.state).toBe('confirmed');
    expect(ended.amendable).toBe(false);
  });
});

describe('fulfilmentPill', () => {
  const running: StatusPill = { kind: 'running', label: 'Running', tone: 'active' };
  it('says who the order waits for', () => {
    const waiting: FulfilmentState = { phase: 'awaiting-courier', shipments: [], amendment: null, amendable: true, cancelledBecause: null };
    expect(fulfilmentPill(running, waiting).label).toBe('Waiting for a courier');
    expect(fulfilmentPill(running, { ...waiting, amendment: { changes: [], state: 'awaiting-confirmation', deadline: 1 } }).label).toBe('Waiting for confirmation');
    expect(fulfilmentPill(running, { ...waiting, phase: 'shipping' }).label).toBe('With the couriers');
    const stuck: StatusPill = { kind: 'stuck', label: 'Stuck: bug in the code', tone: 'warn' };
    expect(fulfilmentPill(stuck, waiting)).toBe(stuck);
    expect(fulfilmentPill(running, undefined)).toBe(running);
  });
});
