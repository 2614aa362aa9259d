import { describe, expect, it } from 'vitest';
import { shippedItemOf } from './steps.js';

const ORDER = { OrderId: '123456', Address: '1 Main St' };
const LEGS = { id: 654321, description: 'Table Legs', quantity: 2 };

describe('shippedItemOf (ShipOrder as each peer calls it)', () => {
  it('reads the contract\'s single {Order, Item} argument', () => {
    expect(shippedItemOf([{ Order: ORDER, Item: LEGS }])).toEqual(LEGS);
  });

  it("reads Go's two arguments, (order, item)", () => {
    expect(shippedItemOf([ORDER, LEGS])).toEqual(LEGS);
  });

  it('reads fields in another letter case and fills what is missing from the known items', () => {
    expect(shippedItemOf([ORDER, { Id: 654322 }])).toEqual({ id: 654322, description: 'Keypad', quantity: 1 });
    expect(shippedItemOf([{ order: ORDER, item: { ID: 654300, Description: 'Top', Quantity: 3 } }])).toEqual({ id: 654300, description: 'Top', quantity: 3 });
  });

  it('finds no item in anything else', () => {
    expect(shippedItemOf([])).toBeUndefined();
    expect(shippedItemOf([ORDER])).toBeUndefined();
    expect(shippedItemOf([undefined, { description: 'no id' }])).toBeUndefined();
  });
});
