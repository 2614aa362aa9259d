/**
 * The simulated outside systems on both engines: each effect applies once per key, whether the same
 * activity runs again (a retry, a re-run after a worker died) or two copies run at the same time; stock
 * never goes negative; the supplier reorders once per shortfall. The activities run in the SDK's activity
 * test environment (their attempt and workflow run set as Temporal would), against the real database.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createSystems, type Systems } from '../../src/db/systems.js';
import { readOrderEffects } from '../../src/effects/order-effects.js';
import { createLogger } from '../../src/logger.js';
import { INVALID_CREDIT_CARD, orderWorkflowId, type OrderInput } from '../../src/temporal/contract.js';
import { CATALOG, ORDER_AMOUNT_CENTS } from '../../src/warehouse/catalog.js';
import { OUT_OF_STOCK } from '../../src/warehouse/warehouse.js';
import { sdkLogger } from '../../src/worker/runtime.js';
import { ENGINES, startTestDatabase, type TestDatabase } from '../support/databases.js';

const logger = createLogger({ name: 'test', level: 'error', json: true, write: () => undefined });
let orders = 0;
const newOrder = (): OrderInput => ({ OrderId: `8${String(++orders).padStart(5, '0')}-${randomUUID().slice(0, 6)}`, Address: '1 Main', TimeScale: 0.001 });
const LEGS = CATALOG.find((i) => i.description === 'Table Legs')!;

describe.each(ENGINES)('outside systems on %s', (engine) => {
  let server: TestDatabase;
  let db: Database;
  let systems: Systems;
  let acts: ReturnType<typeof createActivities>;

  /** Runs an activity as attempt `attempt` of workflow run `runId` of the order. */
  function run<A extends unknown[], R>(o: { order: OrderInput; runId: string; attempt?: number; workflowType?: string }, fn: (...args: A) => Promise<R>, ...args: A) {
    const env = new MockActivityEnvironment(
      {
        attempt: o.attempt ?? 1,
        workflowType: o.workflowType ?? 'OrderWorkflowHappyPath',
        workflowExecution: { workflowId: orderWorkflowId(o.order.OrderId), runId: o.runId },
      },
      { logger: sdkLogger(logger) },
    );
    return env.run(fn, ...args);
  }

  beforeAll(async () => {
    server = await startTestDatabase(engine);
    db = await openDatabase(server.url, { max: 8 });
    systems = createSystems(db);
    acts = createActivities({ logger, systems });
  });
  afterAll(async () => {
    await db?.close();
    await server?.stop();
  });
  beforeEach(async () => {
    // Every test starts from the seeded stock.
    for (const item of CATALOG) {
      await db.query('UPDATE stock SET on_hand = $2, reserved = 0, minimum = $3, target = $4 WHERE item_id = $1', [item.id, item.initialStock, item.minimum, item.target]);
    }
    await db.query('DELETE FROM reservations');
  });

  it('ChargeCustomer run twice for one order run (a retry after the charge) charges once; its refund applies once', async () => {
    const order = newOrder();
    const runId = randomUUID();
    await run({ order, runId, attempt: 1 }, acts.ChargeCustomer, order, 'OrderWorkflowHappyPath');
    await run({ order, runId, attempt: 2 }, acts.ChargeCustomer, order, 'OrderWorkflowHappyPath');
    let effects = await readOrderEffects(systems, orderWorkflowId(order.OrderId), runId);
    expect(effects.charges.map((c) => [c.outcome, c.amountCents, c.attempt])).toEqual([['captured', ORDER_AMOUNT_CENTS, 1]]);
    expect(effects.chargeRequests).toEqual({ total: 2, replayed: 1 });
    expect(effects.notifications.map((n) => n.kind)).toEqual(['confirmation']);
    await run({ order, runId, attempt: 1 }, acts.UndoChargeCustomer, order);
    await run({ order, runId, attempt: 2 }, acts.UndoChargeCustomer, order);
    effects = await readOrderEffects(systems, orderWorkflowId(order.OrderId), runId);
    expect(effects.refunds.map((r) => [r.outcome, r.amountCents])).toEqual([['refunded', ORDER_AMOUNT_CENTS]]);
    expect(effects.notifications.map((n) => n.kind)).toEqual(['confirmation', 'cancellation']);
  });

  it('ten copies of ChargeCustomer at the same time charge once, and all get the same answer', async () => {
    const order = newOrder();
    const runId = randomUUID();
    const copies = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => run({ order, runId, attempt: i + 1 }, acts.ChargeCustomer, order, 'OrderWorkflowHappyPath')));
    expect(copies.map((c) => (c.status === 'rejected' ? String(c.reason) : 'ok'))).toEqual(Array(10).fill('ok'));
    const effects = await readOrderEffects(systems, orderWorkflowId(order.OrderId), runId);
    expect(effects.charges).toHaveLength(1);
    expect(effects.chargeRequests).toEqual({ total: 10, replayed: 9 });
    expect(effects.notifications).toHaveLength(1);
  });

  it('a declined card is recorded once, declines every re-run, and its undo is a void', async () => {
    const order = newOrder();
    const runId = randomUUID();
    const wt = 'OrderWorkflowNonRecoverableFailure';
    for (const attempt of [1, 2]) {
      const err = await run({ order, runId, attempt, workflowType: wt }, acts.ChargeCustomer, order, wt).catch((e: unknown) => e);
      expect((err as ApplicationFailure).type).toBe(INVALID_CREDIT_CARD);
    }
    await run({ order, runId, workflowType: wt }, acts.UndoChargeCustomer, order);
    const effects = await readOrderEffects(systems, orderWorkflowId(order.OrderId), runId);
    expect(effects.charges.map((c) => c.outcome)).toEqual(['declined']);
    expect(effects.refunds.map((r) => [r.outcome, r.amountCents])).toEqual([['voided', 0]]);
    expect(effects.notifications.map((n) => n.message)).toEqual([`Order ${order.OrderId} cancelled: nothing was charged.`]);
  });

  it('a reused OrderId is a new order: its new run is charged again', async () => {
    const order = newOrder();
    await run({ order, runId: randomUUID() }, acts.ChargeCustomer, order, 'OrderWorkflowHappyPath');
    await run({ order, runId: randomUUID() }, acts.ChargeCustomer, order, 'OrderWorkflowHappyPath');
    const effects = await readOrderEffects(systems, orderWorkflowId(order.OrderId));
    expect(effects.charges.map((c) => c.outcome)).toEqual(['captured', 'captured']);
  });

  it('PrepareShipment run three times, two at once, reserves once; UndoPrepareShipment twice releases once', async () => {
    const order = newOrder();
    const runId = randomUUID();
    await Promise.all([run({ order, runId }, acts.PrepareShipment, order), run({ order, runId, attempt: 2 }, acts.PrepareShipment, order)]);
    await run({ order, runId, attempt: 3 }, acts.PrepareShipment, order);
    const reserved = await systems.warehouse.stock();
    expect(reserved.map((s) => s.reserved)).toEqual(CATALOG.map((i) => i.perOrder));
    await run({ order, runId }, acts.UndoPrepareShipment, order);
    await run({ order, runId, attempt: 2 }, acts.UndoPrepareShipment, order);
    expect((await systems.warehouse.stock()).map((s) => [s.onHand, s.reserved])).toEqual(CATALOG.map((i) => [i.initialStock, 0]));
    const effects = await readOrderEffects(systems, orderWorkflowId(order.OrderId), runId);
    expect(effects.reservations.map((r) => r.state)).toEqual(['released', 'released', 'released']);
  });

  it('a release that comes before its reservation wins: the late reservation changes nothing', async () => {
    const order = newOrder();
    const runId = randomUUID();
    await run({ order, runId }, acts.UndoPrepareShipment, order);
    await run({ order, runId }, acts.PrepareShipment, order);
    expect((await systems.warehouse.stock()).map((s) => s.reserved)).toEqual([0, 0, 0]);
  });

  it('ShipOrder takes the order\'s reservation once, however often it runs', async () => {
    const order = newOrder();
    const runId = randomUUID();
    await run({ order, runId }, acts.PrepareShipment, order);
    const item = { id: LEGS.id, description: LEGS.description, quantity: LEGS.perOrder };
    // The shipping activity runs in its own workflow run (a ShippingWorkflow child).
    const ship = { order: { ...order, OrderId: `ship-${order.OrderId}` }, runId: randomUUID() };
    await Promise.all([run(ship, acts.ShipOrder, { Order: order, Item: item }), run({ ...ship, attempt: 2 }, acts.ShipOrder, { Order: order, Item: item })]);
    const legs = (await systems.warehouse.stock()).find((s) => s.itemId === LEGS.id)!;
    expect([legs.onHand, legs.reserved]).toEqual([LEGS.initialStock - LEGS.perOrder, 0]);
    const effects = await readOrderEffects(systems, orderWorkflowId(order.OrderId), runId);
    expect(effects.shipments).toHaveLength(1);
    expect(effects.reservations.find((r) => r.itemId === LEGS.id)?.state).toBe('shipped');
  });

  it('ShipOrder with no reservation takes stock on hand, and reorders the shortfall it leaves once', async () => {
    // One order's legs away from the minimum: shipping them leaves the item short.
    await db.query('UPDATE stock SET on_hand = minimum + $2 - 1 WHERE item_id = $1', [LEGS.id, LEGS.perOrder]);
    const before = (await systems.warehouse.supplierOrders(1000)).length;
    const order = newOrder();
    const item = { id: LEGS.id, description: LEGS.description, quantity: LEGS.perOrder };
    const ship = { order: { ...order, OrderId: `ship-${order.OrderId}` }, runId: randomUUID() };
    await Promise.all([run(ship, acts.ShipOrder, { Order: order, Item: item }), run({ ...ship, attempt: 2 }, acts.ShipOrder, { Order: order, Item: item })]);
    const reorders = (await systems.warehouse.supplierOrders(1000)).slice(0, -before || undefined);
    expect(reorders.map((r) => [r.itemId, r.availableBefore, r.quantity])).toEqual([[LEGS.id, LEGS.minimum - 1, LEGS.target - LEGS.minimum + 1]]);
    const now = (await systems.warehouse.stock()).find((s) => s.itemId === LEGS.id)!;
    expect([now.onHand, now.reserved]).toEqual([LEGS.target, 0]);
    expect((await systems.warehouse.shipmentsOf(orderWorkflowId(order.OrderId))).map((s) => s.quantity)).toEqual([LEGS.perOrder]);
  });

  it('stock never goes negative: with 3 legs left and no supplier, 5 orders at once get 1 reservation, the rest OutOfStock', async () => {
    await db.query('UPDATE stock SET on_hand = 3, reserved = 0, minimum = 0, target = 1 WHERE item_id = $1', [LEGS.id]);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => systems.warehouse.reserve({ workflowId: `w-${randomUUID()}`, runId: 'r' }, [{ itemId: LEGS.id, quantity: 2 }])),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.map((r) => (r.reason as ApplicationFailure).type ?? String(r.reason))).toEqual(Array(4).fill(OUT_OF_STOCK));
    const legs = (await systems.warehouse.stock()).find((s) => s.itemId === LEGS.id)!;
    expect([legs.onHand, legs.reserved, legs.available]).toEqual([3, 2, 1]);
    // The database holds the rule too, whatever the code does.
    await expect(db.query('UPDATE stock SET on_hand = -1 WHERE item_id = $1', [LEGS.id])).rejects.toThrow(/check constraint/);
  });

  it('the supplier reorders once per shortfall: 20 orders at once, 2 shortfalls, 2 reorders, never below the minimum after', async () => {
    const before = (await systems.warehouse.supplierOrders(1000)).length;
    const runs = Array.from({ length: 20 }, () => ({ order: newOrder(), runId: randomUUID() }));
    // Each order's PrepareShipment twice at once: duplicates must not add shortfalls either.
    await Promise.all(runs.flatMap((r) => [run(r, acts.PrepareShipment, r.order), run({ ...r, attempt: 2 }, acts.PrepareShipment, r.order)]));
    const reorders = (await systems.warehouse.supplierOrders(1000)).slice(0, -before || undefined);
    // Legs: 20 available, minimum 6, 2 per order: the 8th and 16th orders leave 4 (short) and are topped up to 20.
    const legs = reorders.filter((r) => r.itemId === LEGS.id);
    expect(legs.map((r) => [r.availableBefore, r.quantity])).toEqual([
      [4, 16],
      [4, 16],
    ]);
    expect(new Set(reorders.map((r) => r.shortfallKey)).size).toBe(reorders.length);
    for (const s of await systems.warehouse.stock()) expect(s.available).toBeGreaterThanOrEqual(s.minimum);
    const legsNow = (await systems.warehouse.stock()).find((s) => s.itemId === LEGS.id)!;
    expect(legsNow.available).toBe(20 + 2 * 16 - 20 * 2);
  });
});
