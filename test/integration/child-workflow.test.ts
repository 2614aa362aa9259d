/** ChildWorkflow: each item ships in its own ShippingWorkflow child with a contract id and TERMINATE policy. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIVITY, shipmentWorkflowId, SHIPPING_WORKFLOW_TYPE } from '../../src/temporal/contract.js';
import { historyOf, ofType, scheduledActivities } from '../support/history.js';
import { resultOf, startTestWorkers, type TestWorkers } from '../support/workers.js';

const ITEM_IDS = [654300, 654321, 654322];

let workers: TestWorkers;
beforeAll(async () => {
  workers = await startTestWorkers({ name: 'child' });
});
afterAll(() => workers?.stop());

describe('ChildWorkflow', () => {
  it('ships each item in a ShippingWorkflow child shipment-{OrderId}-{itemId}, parent close policy TERMINATE', async () => {
    const handle = await workers.startOrder('ChildWorkflow', { Address: '5 Child Ct' });
    const orderId = handle.workflowId.replace('order-', '');
    expect((await resultOf(handle)).address).toBe('5 Child Ct');

    const events = await historyOf(handle);
    expect(scheduledActivities(events)).not.toContain(ACTIVITY.shipOrder);
    const started = ofType(events, 'StartChildWorkflowExecutionInitiated').map((e) => e.attributes);
    expect(started.map((a) => a.workflowId)).toEqual(ITEM_IDS.map((id) => shipmentWorkflowId(orderId, id)));
    for (const child of started) {
      expect(child.workflowType.name).toBe(SHIPPING_WORKFLOW_TYPE);
      expect(child.parentClosePolicy).toBe('PARENT_CLOSE_POLICY_TERMINATE');
    }
    expect(ofType(events, 'ChildWorkflowExecutionCompleted')).toHaveLength(3);

    for (const id of ITEM_IDS) {
      const child = workers.client.workflow.getHandle(shipmentWorkflowId(orderId, id));
      const description = await child.describe();
      expect(description.status.name).toBe('COMPLETED');
      expect(description.parentExecution?.workflowId).toBe(handle.workflowId);
      expect(scheduledActivities(await historyOf(child))).toEqual([ACTIVITY.shipOrder]);
    }
  });
});
