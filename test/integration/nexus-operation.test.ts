/** NexusOperation: each item ships through the shipping-service endpoint, handled in namespace nexus-demo. */
import { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY, NEXUS_SHIPPING, shipmentWorkflowId, SHIPPING_WORKFLOW_TYPE } from '../../src/temporal/contract.js';
import { historyOf, ofType, scheduledActivities } from '../support/history.js';
import { resultOf, startTestWorkers, type TestWorkers } from '../support/workers.js';

const ITEM_IDS = [654300, 654321, 654322];

let workers: TestWorkers;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'nexus', shipping: true });
});
afterAll(() => workers?.stop());

describe('NexusOperation', () => {
  it('calls ship-item on the configured endpoint once per item; the handler starts ShippingWorkflows in nexus-demo', async () => {
    const handle = await workers.startOrder('NexusOperation', { Address: '9 Nexus Blvd' });
    const orderId = handle.workflowId.replace('order-', '');
    expect((await resultOf(handle)).address).toBe('9 Nexus Blvd');

    const events = await historyOf(handle);
    expect(scheduledActivities(events)).not.toContain(ACTIVITY.shipOrder);
    const operations = ofType(events, 'NexusOperationScheduled').map((e) => e.attributes);
    expect(operations).toHaveLength(3);
    for (const op of operations) {
      expect(op).toMatchObject({ endpoint: workers.config.nexus.endpoint, service: NEXUS_SHIPPING.service, operation: NEXUS_SHIPPING.operation });
    }
    expect(ofType(events, 'NexusOperationCompleted')).toHaveLength(3);
    // The endpoint came from the worker's config through a local activity (GetItems, then the patch that keeps
    // shipping from being cancelled, then GetShippingEndpoint as shipping begins).
    expect(ofType(events, 'MarkerRecorded').map((e) => e.attributes.markerName)).toEqual(['core_local_activity', 'core_patch', 'core_local_activity']);

    const handler = new Client({ connection: workers.client.connection, namespace: workers.config.nexus.handler.namespace });
    for (const id of ITEM_IDS) {
      const shipment = handler.workflow.getHandle(shipmentWorkflowId(orderId, id));
      const description = await shipment.describe();
      expect(description.type).toBe(SHIPPING_WORKFLOW_TYPE);
      expect(description.taskQueue).toBe(workers.config.nexus.taskQueue);
      expect(description.status.name).toBe('COMPLETED');
      const input = await shipment.fetchHistory();
      expect(input.events?.length).toBeGreaterThan(0);
    }
  });
});
