/**
 * The simulated warehouse: stock per item, reservations per order run, shipments. PrepareShipment reserves
 * an order's items, UndoPrepareShipment releases them, ShipOrder ships one item. Every change is keyed and
 * applied in one transaction with its key (see schema.ts), so a retried or duplicated call changes nothing
 * more; a change that leaves an item short places the supplier's reorder in the same transaction.
 *
 * Reservation states, per (workflow id, run id, item):
 *   (none) ── reserve ──▶ reserved ── release ──▶ released
 *                         reserved ── ship ─────▶ shipped
 *   (none) ── release ──▶ released (quantity 0): a later reserve of that run is then a no-op.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Database, Queryable } from '../db/database.js';
import { reorderIfShort, STOCK_AFTER, supplierOrders, type StockAfter, type SupplierOrder } from './supplier.js';

export interface WarehouseCaller {
  workflowId: string;
  runId: string;
}

export interface Line {
  itemId: number;
  quantity: number;
}

export interface StockLevel {
  itemId: number;
  description: string;
  onHand: number;
  reserved: number;
  available: number;
  minimum: number;
  target: number;
}

export interface Reservation {
  workflowId: string;
  runId: string;
  itemId: number;
  description: string;
  quantity: number;
  state: 'reserved' | 'released' | 'shipped';
  reservedAt: Date;
  settledAt: Date | null;
}

export interface Shipment {
  itemId: number;
  quantity: number;
  key: string;
  movedAt: Date;
}

export interface ChangeAnswer {
  /** Lines this call changed; empty when every one was applied before (a retry). */
  applied: number[];
  reorders: SupplierOrder[];
}

export interface Warehouse {
  reserve(caller: WarehouseCaller, lines: Line[]): Promise<ChangeAnswer>;
  release(caller: WarehouseCaller, itemIds: number[]): Promise<ChangeAnswer>;
  /**
   * Ships one line under `shipmentKey` (the shipping activity's own run): takes the order's open
   * reservation of the item (the order's newest run), or stock on hand when the order reserved none.
   */
  ship(orderWorkflowId: string, shipmentKey: string, line: Line): Promise<ChangeAnswer>;
  /** Reorders every item below its minimum, once per item for `runKey` (the restock run); the reorders placed. */
  restock(runKey: string): Promise<SupplierOrder[]>;
  stock(): Promise<StockLevel[]>;
  reservationsOf(workflowId: string): Promise<Reservation[]>;
  /** Every shipment of an order's items (all its runs), by item. */
  shipmentsOf(orderWorkflowId: string): Promise<Shipment[]>;
  recentReservations(limit?: number): Promise<Reservation[]>;
  supplierOrders(limit?: number): Promise<SupplierOrder[]>;
}

export const OUT_OF_STOCK = 'OutOfStock';

export function createWarehouse(db: Database): Warehouse {
  return {
    reserve: (caller, lines) =>
      db.transaction(async (tx) => {
        const answer: ChangeAnswer = { applied: [], reorders: [] };
        // Always in item order: two orders locking the same rows cannot deadlock.
        for (const line of [...lines].sort((a, b) => a.itemId - b.itemId)) {
          const inserted = await tx.query(
            `INSERT INTO reservations (workflow_id, run_id, item_id, quantity, state) VALUES ($1, $2, $3, $4, 'reserved')
             ON CONFLICT DO NOTHING`,
            [caller.workflowId, caller.runId, line.itemId, line.quantity],
          );
          if (inserted.rowCount === 0) continue;
          const after = await take(tx, line, 'reserved = reserved + $2');
          answer.applied.push(line.itemId);
          await reorder(tx, answer, line.itemId, `reserve/${caller.workflowId}/${caller.runId}/${line.itemId}`, after);
        }
        return answer;
      }),
    release: (caller, itemIds) =>
      db.transaction(async (tx) => {
        const answer: ChangeAnswer = { applied: [], reorders: [] };
        for (const itemId of [...itemIds].sort((a, b) => a - b)) {
          const released = await tx.query<{ quantity: number }>(
            `UPDATE reservations SET state = 'released', settled_at = now()
             WHERE workflow_id = $1 AND run_id = $2 AND item_id = $3 AND state = 'reserved' RETURNING quantity`,
            [caller.workflowId, caller.runId, itemId],
          );
          if (released.rows[0]) {
            await tx.query('UPDATE stock SET reserved = reserved - $2 WHERE item_id = $1', [itemId, released.rows[0].quantity]);
            answer.applied.push(itemId);
          } else {
            // Never reserved (the reservation's call failed, or has not arrived yet): mark it released so
            // that a late reserve of this run does nothing.
            await tx.query(
              `INSERT INTO reservations (workflow_id, run_id, item_id, quantity, state, settled_at) VALUES ($1, $2, $3, 0, 'released', now())
               ON CONFLICT DO NOTHING`,
              [caller.workflowId, caller.runId, itemId],
            );
          }
        }
        return answer;
      }),
    ship: (orderWorkflowId, shipmentKey, line) =>
      db.transaction(async (tx) => {
        const answer: ChangeAnswer = { applied: [], reorders: [] };
        const inserted = await tx.query(
          "INSERT INTO stock_movements (idempotency_key, item_id, kind, quantity, workflow_id) VALUES ($1, $2, 'ship', $3, $4) ON CONFLICT DO NOTHING",
          [shipmentKey, line.itemId, line.quantity, orderWorkflowId],
        );
        if (inserted.rowCount === 0) return answer;
        // The newest open reservation of the item, settled as shipped, and the stock it held leaving: one
        // statement (one round trip), locking the reservation first and then the stock row, as before.
        const fromReservation = await tx.query<StockAfter>(
          `WITH newest AS (
             SELECT run_id FROM reservations WHERE workflow_id = $1 AND item_id = $2 AND state = 'reserved'
             ORDER BY reserved_at DESC LIMIT 1 FOR UPDATE
           ), shipped AS (
             UPDATE reservations r SET state = 'shipped', settled_at = now() FROM newest
             WHERE r.workflow_id = $1 AND r.run_id = newest.run_id AND r.item_id = $2 AND r.state = 'reserved'
             RETURNING r.quantity
           )
           UPDATE stock SET on_hand = on_hand - shipped.quantity, reserved = reserved - shipped.quantity FROM shipped
           WHERE item_id = $2 RETURNING ${STOCK_AFTER}`,
          [orderWorkflowId, line.itemId],
        );
        const after = fromReservation.rows[0] ?? (await take(tx, line, 'on_hand = on_hand - $2'));
        answer.applied.push(line.itemId);
        await reorder(tx, answer, line.itemId, shipmentKey, after);
        return answer;
      }),
    restock: (runKey) =>
      db.transaction(async (tx) => {
        const answer: ChangeAnswer = { applied: [], reorders: [] };
        const { rows } = await tx.query<{ item_id: number }>('SELECT item_id FROM stock ORDER BY item_id');
        for (const { item_id } of rows) await reorder(tx, answer, item_id, `${runKey}/${item_id}`);
        return answer.reorders;
      }),
    async stock() {
      const { rows } = await db.query<{ item_id: number; description: string; on_hand: number; reserved: number; minimum: number; target: number }>(
        'SELECT item_id, description, on_hand, reserved, minimum, target FROM stock ORDER BY item_id',
      );
      return rows.map((r) => ({
        itemId: r.item_id,
        description: r.description,
        onHand: r.on_hand,
        reserved: r.reserved,
        available: r.on_hand - r.reserved,
        minimum: r.minimum,
        target: r.target,
      }));
    },
    reservationsOf: (workflowId) => reservations(db, 'WHERE r.workflow_id = $1 ORDER BY r.reserved_at, r.item_id', [workflowId]),
    async shipmentsOf(orderWorkflowId) {
      const { rows } = await db.query<{ item_id: number; quantity: number; idempotency_key: string; moved_at: Date }>(
        "SELECT item_id, quantity, idempotency_key, moved_at FROM stock_movements WHERE kind = 'ship' AND workflow_id = $1 ORDER BY moved_at, item_id",
        [orderWorkflowId],
      );
      return rows.map((r) => ({ itemId: r.item_id, quantity: r.quantity, key: r.idempotency_key, movedAt: r.moved_at }));
    },
    recentReservations: (limit = 20) => reservations(db, 'WHERE r.quantity > 0 ORDER BY r.reserved_at DESC, r.item_id LIMIT $1', [limit]),
    supplierOrders: (limit) => supplierOrders(db, limit),
  };
}

/**
 * Takes `line` from available stock, or fails retryably (the supplier's reorder may come meanwhile); the
 * stock as it left it.
 */
async function take(tx: Queryable, line: Line, change: string): Promise<StockAfter> {
  const updated = await tx.query<StockAfter>(`UPDATE stock SET ${change} WHERE item_id = $1 AND on_hand - reserved >= $2 RETURNING ${STOCK_AFTER}`, [
    line.itemId,
    line.quantity,
  ]);
  if (!updated.rows[0]) {
    throw ApplicationFailure.create({ type: OUT_OF_STOCK, message: `Not enough of item ${line.itemId} in stock for ${line.quantity}`, nonRetryable: false });
  }
  return updated.rows[0];
}

async function reorder(tx: Queryable, answer: ChangeAnswer, itemId: number, shortfallKey: string, known?: StockAfter): Promise<void> {
  const placed = await reorderIfShort(tx, itemId, shortfallKey, known);
  if (placed) answer.reorders.push(placed);
}

async function reservations(db: Queryable, where: string, params: unknown[]): Promise<Reservation[]> {
  const { rows } = await db.query<{
    workflow_id: string;
    run_id: string;
    item_id: number;
    description: string;
    quantity: number;
    state: Reservation['state'];
    reserved_at: Date;
    settled_at: Date | null;
  }>(
    `SELECT r.workflow_id, r.run_id, r.item_id, s.description, r.quantity, r.state, r.reserved_at, r.settled_at
     FROM reservations r JOIN stock s USING (item_id) ${where}`,
    params,
  );
  return rows.map((r) => ({
    workflowId: r.workflow_id,
    runId: r.run_id,
    itemId: r.item_id,
    description: r.description,
    quantity: r.quantity,
    state: r.state,
    reservedAt: r.reserved_at,
    settledAt: r.settled_at,
  }));
}
