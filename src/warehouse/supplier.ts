/**
 * The supplier: when an item's available stock (on hand minus reserved) falls below its minimum, a reorder
 * tops it up to its target, delivered at once (the demo's supplier is quick). Called inside the transaction
 * of the change that caused the shortfall, with that change's key: the reorder is applied once per
 * shortfall, however often the change is retried, and a concurrent change waits for the stock row's lock and
 * then sees the topped-up stock.
 */
import type { Queryable } from '../db/database.js';

export interface SupplierOrder {
  id: number;
  itemId: number;
  description: string;
  quantity: number;
  availableBefore: number;
  shortfallKey: string;
  orderedAt: Date;
}

/** An item's stock as a reorder decides from it. */
export interface StockAfter {
  available: number;
  minimum: number;
  target: number;
  description: string;
}

/** What a change's `UPDATE stock … RETURNING` gives back for reorderIfShort, saving it a round trip. */
export const STOCK_AFTER = 'on_hand - reserved AS available, minimum, target, description';

/**
 * Reorders `itemId` if it is short, in the caller's transaction. `known`: the row as the caller's UPDATE of
 * it left it (that UPDATE holds the row's lock); without it the row is read and locked here. The lock is FOR
 * NO KEY UPDATE (what an UPDATE of the row takes): FOR UPDATE would wait for the key-share locks that other
 * orders' reservation rows take on their foreign key, while they wait for this row: a deadlock.
 */
export async function reorderIfShort(tx: Queryable, itemId: number, shortfallKey: string, known?: StockAfter): Promise<SupplierOrder | undefined> {
  const stock =
    known ??
    (await tx.query<StockAfter>(`SELECT ${STOCK_AFTER} FROM stock WHERE item_id = $1 FOR NO KEY UPDATE`, [itemId])).rows[0];
  if (!stock || stock.available >= stock.minimum) return undefined;
  const quantity = stock.target - stock.available;
  const placed = await tx.query<{ id: string; ordered_at: Date }>(
    `INSERT INTO supplier_orders (item_id, quantity, available_before, shortfall_key) VALUES ($1, $2, $3, $4)
     ON CONFLICT (shortfall_key) DO NOTHING RETURNING id, ordered_at`,
    [itemId, quantity, stock.available, shortfallKey],
  );
  if (!placed.rows[0]) return undefined;
  await tx.query('UPDATE stock SET on_hand = on_hand + $2 WHERE item_id = $1', [itemId, quantity]);
  await tx.query("INSERT INTO stock_movements (idempotency_key, item_id, kind, quantity) VALUES ($1, $2, 'restock', $3)", [`restock/${shortfallKey}`, itemId, quantity]);
  return { id: Number(placed.rows[0].id), itemId, description: stock.description, quantity, availableBefore: stock.available, shortfallKey, orderedAt: placed.rows[0].ordered_at };
}

export async function supplierOrders(db: Queryable, limit = 20): Promise<SupplierOrder[]> {
  const { rows } = await db.query<{ id: string; item_id: number; description: string; quantity: number; available_before: number; shortfall_key: string; ordered_at: Date }>(
    `SELECT o.id, o.item_id, s.description, o.quantity, o.available_before, o.shortfall_key, o.ordered_at
     FROM supplier_orders o JOIN stock s USING (item_id) ORDER BY o.id DESC LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    itemId: r.item_id,
    description: r.description,
    quantity: r.quantity,
    availableBefore: r.available_before,
    shortfallKey: r.shortfall_key,
    orderedAt: r.ordered_at,
  }));
}
