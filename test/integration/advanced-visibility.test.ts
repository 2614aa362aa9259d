/** AdvancedVisibility: the OrderStatus search attribute follows the steps, and List Workflows can filter on it. */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ORDER_STATUS, ORDER_STATUS_VALUES, orderIdOf } from '../../src/temporal/contract.js';
import { decodePayload, historyOf, ofType } from '../support/history.js';
import { startTestWorkers, waitFor, type TestWorkers } from '../support/workers.js';
import { startTestConsole, testidAttr } from './web-support.js';

let workers: TestWorkers;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'visibility' });
});
afterAll(() => workers?.stop());

describe.concurrent('AdvancedVisibility', () => {
  it('upserts OrderStatus at each step with the five contract values, in order', async () => {
    const handle = await workers.startOrder('AdvancedVisibility');
    await handle.result();

    // patched() upserts TemporalChangeVersion too (the shipping patch): only OrderStatus upserts count here.
    const upserts = ofType(await historyOf(handle), 'UpsertWorkflowSearchAttributes')
      .map((e) => e.attributes.searchAttributes.indexedFields[ORDER_STATUS.name])
      .filter((field) => field !== undefined)
      .map((field) => decodePayload(field));
    expect(upserts).toEqual([
      ORDER_STATUS_VALUES.checkFraud,
      ORDER_STATUS_VALUES.prepareShipment,
      ORDER_STATUS_VALUES.chargeCustomer,
      ORDER_STATUS_VALUES.shipOrder,
      ORDER_STATUS_VALUES.completed,
    ]);
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(ORDER_STATUS)).toBe(ORDER_STATUS_VALUES.completed);
  });

  it('shows the current step while the order runs, and is found by an OrderStatus query', async () => {
    const handle = await workers.startOrder('AdvancedVisibility', { TimeScale: 0.25 });
    await waitFor(
      async () => (await handle.describe()).typedSearchAttributes.get(ORDER_STATUS),
      (status) => status === ORDER_STATUS_VALUES.chargeCustomer,
      'OrderStatus = Charge Customer while running',
    );
    await handle.result();

    const query = `WorkflowId = '${handle.workflowId}' AND ${ORDER_STATUS.name} = '${ORDER_STATUS_VALUES.completed}'`;
    const found = await waitFor(
      async () => {
        const ids: string[] = [];
        for await (const wf of workers.client.workflow.list({ query })) ids.push(wf.workflowId);
        return ids;
      },
      (ids) => ids.length > 0,
      'the completed order in List Workflows',
    );
    expect(found).toEqual([handle.workflowId]);
  });

  it('links the Temporal UI list filtered by the order\'s OrderStatus, with a query the server answers', async () => {
    const web = startTestConsole({ config: workers.config });
    try {
      const handle = await workers.startOrder('AdvancedVisibility');
      await handle.result();
      const orderId = orderIdOf(handle.workflowId)!;
      const html = await (await web.get(`/orders/${orderId}`)).text();
      const link = testidAttr(html, 'order-status-link', 'href');
      const ui = inject('temporalUiUrl');
      expect(link).toBe(`${ui}/namespaces/default/workflows?query=${encodeURIComponent(`OrderStatus = "${ORDER_STATUS_VALUES.completed}"`)}`);
      // The Temporal UI runs the query as it is: visibility must take it and find this order.
      const query = new URL(link!).searchParams.get('query')!;
      const found = await waitFor(
        async () => {
          const ids: string[] = [];
          for await (const wf of workers.client.workflow.list({ query: `${query} AND WorkflowId = '${handle.workflowId}'` })) ids.push(wf.workflowId);
          return ids;
        },
        (ids) => ids.length > 0,
        'the order through the linked query',
      );
      expect(found).toEqual([handle.workflowId]);
      // Recent orders links the same list from the order's row.
      const list = await waitFor(
        async () => (await web.get('/orders?scenario=AdvancedVisibility&status=Completed')).text(),
        (page) => page.includes(`order-row-${handle.workflowId}`),
        'the order in Recent orders',
      );
      expect(testidAttr(list, `order-status-link-${handle.workflowId}`, 'href')).toBe(link);
    } finally {
      await web.close();
    }
  });

  it('leaves OrderStatus unset in the other scenarios', async () => {
    const handle = await workers.startOrder('HappyPath');
    await handle.result();
    expect((await handle.describe()).typedSearchAttributes.get(ORDER_STATUS)).toBeUndefined();
  });
});
