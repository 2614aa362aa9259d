/** ShipOrder's steps: each heartbeated in order, and an attempt after a worker died resumes after the last one heard. */
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import type { OrderInput } from '../temporal/contract.js';
import { createShipOrder, type ShipProgress } from './shipping.js';

const order: OrderInput = { OrderId: '1', Address: 'x', TimeScale: 0.001 };
const input = { Order: order, Item: { id: 654300, description: 'Table Top', quantity: 1 } };

async function ship(heartbeatDetails?: ShipProgress): Promise<ShipProgress[]> {
  const env = new MockActivityEnvironment({ heartbeatDetails });
  const beats: ShipProgress[] = [];
  env.on('heartbeat', (d: ShipProgress) => beats.push(d));
  await env.run(createShipOrder(() => 0), input);
  return beats;
}

describe('ShipOrder', () => {
  it('heartbeats picked, packed, labelled, handed over, in order', async () => {
    expect((await ship()).map((b) => b.step)).toEqual(['picked', 'packed', 'labelled', 'handed over']);
  });

  it('resumes after the last step a dead attempt heartbeated', async () => {
    expect(await ship({ step: 'packed', done: 2 })).toEqual([
      { step: 'labelled', done: 3 },
      { step: 'handed over', done: 4 },
    ]);
  });
});
