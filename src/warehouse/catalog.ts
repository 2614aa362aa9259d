/**
 * The warehouse's catalog: the contract's three items with a price, the stock they are seeded with, the
 * minimum below which the supplier is asked for more, and the level a reorder tops them up to. Plain
 * data, shared by the migration that seeds the stock and by the payment's amount.
 */
export interface CatalogItem {
  id: number;
  description: string;
  /** Units per order (the contract's GetItems quantities). */
  perOrder: number;
  priceCents: number;
  initialStock: number;
  minimum: number;
  /** A reorder brings what is available back to this. */
  target: number;
}

export const CATALOG: readonly CatalogItem[] = [
  { id: 654300, description: 'Table Top', perOrder: 1, priceCents: 12_000, initialStock: 10, minimum: 3, target: 10 },
  { id: 654321, description: 'Table Legs', perOrder: 2, priceCents: 2_500, initialStock: 20, minimum: 6, target: 20 },
  { id: 654322, description: 'Keypad', perOrder: 1, priceCents: 3_500, initialStock: 10, minimum: 3, target: 10 },
];

/** What one order of the contract's items costs: $205. */
export const ORDER_AMOUNT_CENTS = CATALOG.reduce((sum, item) => sum + item.perOrder * item.priceCents, 0);

export function formatCents(cents: number): string {
  return `$${(cents / 100).toFixed(cents % 100 === 0 ? 0 : 2)}`;
}
