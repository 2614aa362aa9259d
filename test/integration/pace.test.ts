/**
 * Slow motion from the home page: the pace a presenter picks reaches the workflow as its TimeScale
 * (relative to the console's own ORDER_DEMO_TIME_SCALE), and a pace the page never offered is refused.
 */
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_ADDRESS, orderWorkflowId, type OrderInput } from '../../src/temporal/contract.js';
import { testConfig, uniqueTaskQueue } from '../support/env.js';
import { newOrderId } from '../support/workers.js';
import { startTestConsole, testid, type TestConsole } from './web-support.js';

let web: TestConsole;
let client: Client;
let connection: Connection;
beforeAll(async () => {
  // Nobody polls this queue: the orders stay at their first workflow task, their input is all we read.
  web = startTestConsole({ config: testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('pace'), ORDER_DEMO_TIME_SCALE: '0.5' }) });
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
});
afterAll(async () => {
  await web?.close();
  await connection?.close();
});

async function inputOf(orderId: string): Promise<OrderInput> {
  const history = await client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0];
  return JSON.parse(Buffer.from(payload!.data!).toString('utf8')) as OrderInput;
}

describe('the pace of an order', () => {
  it('offers slow motion, and an order placed in slow motion runs that many times slower than the console\'s pace', async () => {
    const home = await (await web.get('/')).text();
    expect(testid(home, 'pace-select')).toMatch(/Slow motion/);

    const slow = newOrderId();
    expect((await web.post('/orders', { scenario: 'HappyPath', orderId: slow, address: DEFAULT_ADDRESS, pace: '3' })).status).toBe(303);
    expect((await inputOf(slow)).TimeScale).toBe(1.5);

    const usual = newOrderId();
    expect((await web.post('/orders', { scenario: 'HappyPath', orderId: usual, address: DEFAULT_ADDRESS })).status).toBe(303);
    expect((await inputOf(usual)).TimeScale).toBe(0.5);
  });

  it('refuses a pace the page never offered, with the form and a clear message, and starts nothing', async () => {
    const orderId = newOrderId();
    const res = await web.post('/orders', { scenario: 'HappyPath', orderId, address: DEFAULT_ADDRESS, pace: '1000' });
    expect(res.status).toBe(422);
    expect(testid(await res.text(), 'pace-error')).toMatch(/Pick one of the paces offered/);
    await expect(client.workflow.getHandle(orderWorkflowId(orderId)).describe()).rejects.toThrow();
  });
});
