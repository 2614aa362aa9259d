/**
 * OrderFulfilmentWorkflow as a workflow, against the real dev server with stubbed activities (quick, and
 * not timing-bound): the couriers' dispatch/deliver order, the amendment rules, the automatic cancellation
 * by the confirmation timer, and Temporal cancellation before and after the first dispatch. What was undone
 * is read from the history; what the stubs were asked to do, from their own record.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import {
  amendOrderUpdate,
  confirmAmendmentUpdate,
  deliverShipmentUpdate,
  dispatchShipmentUpdate,
  FULFILMENT_FAILURE,
  FULFILMENT_WORKFLOW_TYPE,
  getFulfilmentQuery,
} from '../../src/fulfilment/api.js';
import type { FulfilmentState } from '../../src/fulfilment/api.js';
import { ACTIVITY, orderWorkflowId } from '../../src/temporal/contract.js';
import type { Item, OrderInput, ShippingInput } from '../../src/temporal/contract.js';
import { readHistory } from '../../src/web/orders/history.js';
import { getOrderStateQuery } from '../../src/workflows/extras.js';
import { testBundles } from '../support/bundles.js';
import { ensureRuntime, FAST, newOrderId, testLogger, waitFor } from '../support/workers.js';

const ITEMS: Item[] = [
  { id: 654300, description: 'Table Top', quantity: 1 },
  { id: 654321, description: 'Table Legs', quantity: 2 },
  { id: 654322, description: 'Keypad', quantity: 1 },
];
const [TOP, LEGS, KEYPAD] = ITEMS.map((i) => i.id) as [number, number, number];

/** What the stubs were asked to do, per workflow id. */
const calls = new Map<string, string[]>();
const shipped = new Map<string, Item[]>();
/** Charges held until released (per order id): to act while the order is still being charged. */
const heldCharges = new Map<string, () => void>();

function record(order: OrderInput, name: string): void {
  const key = orderWorkflowId(order.OrderId);
  calls.set(key, [...(calls.get(key) ?? []), name]);
}

const stubs = {
  [ACTIVITY.getItems]: async () => ITEMS.map((i) => ({ ...i })),
  [ACTIVITY.checkFraud]: async (o: OrderInput) => record(o, ACTIVITY.checkFraud),
  [ACTIVITY.prepareShipment]: async (o: OrderInput) => record(o, ACTIVITY.prepareShipment),
  [ACTIVITY.undoPrepareShipment]: async (o: OrderInput) => record(o, ACTIVITY.undoPrepareShipment),
  [ACTIVITY.chargeCustomer]: async (o: OrderInput) => {
    if (o.Address.startsWith('0 Hold')) await new Promise<void>((resolve) => heldCharges.set(o.OrderId, resolve));
    record(o, ACTIVITY.chargeCustomer);
  },
  [ACTIVITY.undoChargeCustomer]: async (o: OrderInput) => record(o, ACTIVITY.undoChargeCustomer),
  [ACTIVITY.shipOrder]: async (input: ShippingInput) => {
    record(input.Order, ACTIVITY.shipOrder);
    const key = orderWorkflowId(input.Order.OrderId);
    shipped.set(key, [...(shipped.get(key) ?? []), input.Item]);
  },
  GetShippingEndpoint: async () => {
    throw ApplicationFailure.nonRetryable('not used');
  },
};

let client: Client;
let clientConnection: Connection;
let workerConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
const taskQueue = `fulfilment-wf-${randomUUID()}`;

beforeAll(async () => {
  ensureRuntime(testLogger());
  const address = inject('temporalAddress');
  workerConnection = await NativeConnection.connect({ address });
  clientConnection = await Connection.connect({ address });
  client = new Client({ connection: clientConnection });
  worker = await Worker.create({ connection: workerConnection, taskQueue, workflowBundle: await testBundles('orders'), activities: stubs });
  running = worker.run();
});
afterAll(async () => {
  // A charge a failed test left held would keep the worker from shutting down.
  for (const release of heldCharges.values()) release();
  worker?.shutdown();
  await running;
  await workerConnection?.close();
  await clientConnection?.close();
});

async function start(input: Partial<OrderInput> = {}): Promise<WorkflowHandle> {
  const orderId = newOrderId();
  return client.workflow.start(FULFILMENT_WORKFLOW_TYPE, {
    taskQueue,
    workflowId: orderWorkflowId(orderId),
    args: [{ OrderId: orderId, Address: '1 Courier Lane', TimeScale: FAST, HumanWaitSeconds: 600, ...input }],
  });
}

const fulfilment = (handle: WorkflowHandle) => handle.query(getFulfilmentQuery);
async function awaitingCourier(handle: WorkflowHandle): Promise<FulfilmentState> {
  return waitFor(() => fulfilment(handle), (f) => f.phase === 'awaiting-courier', 'the order to wait for couriers');
}

/** The validator's (or handler's) refusal message, or undefined when the update was accepted. */
async function refusal(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) return err.cause?.message;
    throw err;
  }
}

const dispatch = (h: WorkflowHandle, itemId: number) => h.executeUpdate(dispatchShipmentUpdate, { args: [{ itemId }] });
const deliver = (h: WorkflowHandle, itemId: number) => h.executeUpdate(deliverShipmentUpdate, { args: [{ itemId }] });
const amend = (h: WorkflowHandle, items: { id: number; quantity: number }[]) => h.executeUpdate(amendOrderUpdate, { args: [{ items }] });

async function completedActivities(handle: WorkflowHandle): Promise<string[]> {
  const facts = readHistory((await handle.fetchHistory()).events ?? []);
  return facts.activities.filter((a) => a.state === 'completed').map((a) => a.activityType);
}
const undos = (run: string[]) => run.filter((a) => a.startsWith('Undo'));

describe('OrderFulfilmentWorkflow: couriers', () => {
  it('refuses couriers until the order is charged', async () => {
    const handle = await start({ Address: '0 Hold the charge St.' });
    const orderId = handle.workflowId.replace('order-', '');
    await waitFor(async () => heldCharges.has(orderId), Boolean, 'the charge to start');
    try {
      expect(await refusal(() => dispatch(handle, TOP))).toMatch(/not ready for couriers/);
      expect(await refusal(() => deliver(handle, TOP))).toMatch(/not ready for couriers/);
      expect(await refusal(() => amend(handle, [{ id: LEGS, quantity: 3 }]))).toMatch(/not charged yet/);
    } finally {
      heldCharges.get(orderId)!();
    }
    await awaitingCourier(handle);
    await handle.terminate('test over');
  });

  it('enforces dispatch before delivery, once each, for known items only; the order completes when all are delivered', async () => {
    const handle = await start();
    const first = await awaitingCourier(handle);
    expect(first.shipments.map((s) => [s.item.id, s.status])).toEqual(ITEMS.map((i) => [i.id, 'waiting']));
    expect(await refusal(() => deliver(handle, TOP))).toBe('Table Top has not been dispatched: a courier must dispatch it first');
    expect(await refusal(() => dispatch(handle, 111))).toBe('Item 111 is not in this order');
    expect(await dispatch(handle, TOP)).toMatchObject({ status: 'dispatched', item: { id: TOP } });
    expect(await refusal(() => dispatch(handle, TOP))).toBe('Table Top is already dispatched');
    const state = await handle.query(getOrderStateQuery);
    expect(state.cancellable).toBe(false);
    expect(state.fulfilment?.amendable).toBe(false);
    expect(await deliver(handle, TOP)).toMatchObject({ status: 'delivered' });
    expect(await refusal(() => deliver(handle, TOP))).toBe('Table Top is already delivered');
    for (const id of [LEGS, KEYPAD]) await dispatch(handle, id);
    await deliver(handle, LEGS);
    // One shipment still on its way: the order is not done.
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await deliver(handle, KEYPAD);
    const result = (await handle.result()) as { trackingId: string };
    expect(result.trackingId).toBeTruthy();
    expect(shipped.get(handle.workflowId)?.map((i) => i.id).sort()).toEqual([TOP, LEGS, KEYPAD].sort());
    expect(undos(await completedActivities(handle))).toEqual([]);
  });
});

describe('OrderFulfilmentWorkflow: amendments', () => {
  it('validates an amendment, holds couriers until it is confirmed, and ships the confirmed quantities', async () => {
    const handle = await start();
    await awaitingCourier(handle);
    expect(await refusal(() => amend(handle, []))).toMatch(/at least one item/);
    expect(await refusal(() => amend(handle, [{ id: 1, quantity: 2 }]))).toBe('Item 1 is not in this order');
    expect(await refusal(() => amend(handle, [{ id: LEGS, quantity: 0 }]))).toMatch(/whole number from 1 to 99/);
    expect(await refusal(() => amend(handle, [{ id: LEGS, quantity: 2 }]))).toMatch(/already ordered/);
    expect(await refusal(() => handle.executeUpdate(confirmAmendmentUpdate))).toBe('There is no amendment waiting for confirmation');
    const amendment = await amend(handle, [{ id: LEGS, quantity: 4 }]);
    expect(amendment).toMatchObject({ state: 'awaiting-confirmation', changes: [{ id: LEGS, quantity: 4 }] });
    expect(amendment.deadline).toBeGreaterThan(0);
    expect(await refusal(() => dispatch(handle, TOP))).toMatch(/waits for their confirmation/);
    expect(await handle.executeUpdate(confirmAmendmentUpdate)).toMatchObject({ state: 'confirmed', deadline: null });
    expect((await fulfilment(handle)).shipments.find((s) => s.item.id === LEGS)?.item.quantity).toBe(4);
    await dispatch(handle, LEGS);
    expect(await refusal(() => amend(handle, [{ id: LEGS, quantity: 5 }]))).toBe('A shipment has left: the order can no longer be amended');
    for (const id of [TOP, KEYPAD]) await dispatch(handle, id);
    for (const id of [TOP, LEGS, KEYPAD]) await deliver(handle, id);
    await handle.result();
    expect(shipped.get(handle.workflowId)?.find((i) => i.id === LEGS)?.quantity).toBe(4);
  });

  it('cancels the order by its durable timer when an amendment is not confirmed in time: charge refunded, preparation undone', async () => {
    const handle = await start({ HumanWaitSeconds: 0.5 });
    await awaitingCourier(handle);
    await amend(handle, [{ id: KEYPAD, quantity: 2 }]);
    const error = await handle.result().then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe(FULFILMENT_FAILURE.notConfirmed);
    expect(cause.message).toMatch(/^Cancelled automatically: The amended order was not confirmed/);
    const facts = readHistory((await handle.fetchHistory()).events ?? []);
    // The confirmation's timer is the one that fired last, and it ended the wait.
    expect(facts.timers.at(-1)?.state).toBe('fired');
    expect(undos(await completedActivities(handle))).toEqual([ACTIVITY.undoChargeCustomer, ACTIVITY.undoPrepareShipment]);
    expect(calls.get(handle.workflowId)).not.toContain(ACTIVITY.shipOrder);
  });
});

describe('OrderFulfilmentWorkflow: cancellation', () => {
  it('before the first dispatch: Temporal cancellation ends it Canceled, the charge and the preparation undone', async () => {
    const handle = await start();
    await awaitingCourier(handle);
    await handle.cancel();
    const error = await handle.result().then(() => undefined, (err: unknown) => err);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(undos(await completedActivities(handle))).toEqual([ACTIVITY.undoChargeCustomer, ACTIVITY.undoPrepareShipment]);
  });

  it('after the first dispatch: the request is recorded and ignored, nothing is undone and the order completes', async () => {
    const handle = await start();
    await awaitingCourier(handle);
    await dispatch(handle, KEYPAD);
    await handle.cancel();
    for (const id of [TOP, LEGS]) await dispatch(handle, id);
    for (const id of [TOP, LEGS, KEYPAD]) await deliver(handle, id);
    await handle.result();
    expect(readHistory((await handle.fetchHistory()).events ?? []).cancelRequested).toBe(true);
    expect(undos(await completedActivities(handle))).toEqual([]);
  });
});
