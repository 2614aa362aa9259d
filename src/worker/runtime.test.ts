import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { sdkLogger } from './runtime.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({ name: 'worker', level: 'debug', json: true, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { lines, logger };
}

describe('sdkLogger', () => {
  it('turns the workflow type into the scenario and calls the run id runId on every kind of line', () => {
    const { lines, logger } = capture();
    const sdk = sdkLogger(logger);
    sdk.info('Order step', { sdkComponent: 'workflow', workflowId: 'order-1', runId: 'r1', workflowType: 'OrderWorkflowAPIFailure', namespace: 'default' });
    sdk.warn('Activity failed', { sdkComponent: 'worker', workflowId: 'order-1', workflowRunId: 'r1', workflowType: 'OrderWorkflowAPIFailure', taskToken: 'x' });
    sdk.info('Shipping', { workflowId: 'shipment-1-2', runId: 'r2', workflowType: 'ShippingWorkflow' });
    expect(lines[0]).toMatchObject({ msg: 'Order step', level: 'info', workflowId: 'order-1', runId: 'r1', scenario: 'APIFailure' });
    expect(lines[0]).not.toHaveProperty('namespace');
    expect(lines[1]).toMatchObject({ level: 'warn', runId: 'r1', scenario: 'APIFailure' });
    expect(lines[1]).not.toHaveProperty('workflowRunId');
    expect(lines[1]).not.toHaveProperty('taskToken');
    expect(lines[2]).toMatchObject({ workflowType: 'ShippingWorkflow' });
    expect(lines[2]).not.toHaveProperty('scenario');
  });

  it('completes Core lines that name only the run, from earlier lines about it', () => {
    const { lines, logger } = capture();
    const sdk = sdkLogger(logger);
    sdk.info('Order step', { workflowId: 'order-7', runId: 'r7', workflowType: 'OrderWorkflowRecoverableFailure' });
    sdk.warn('Failing workflow task', { sdkComponent: 'core', runId: 'r7' });
    expect(lines[1]).toMatchObject({ msg: 'Failing workflow task', workflowId: 'order-7', runId: 'r7', scenario: 'RecoverableFailure' });
  });

  it('lets the same Core warning through once per 10 s, saying how many it held back', () => {
    const { lines, logger } = capture();
    let now = 0;
    const sdk = sdkLogger(logger, () => now);
    for (const attempt of [6, 7, 8]) sdk.warn(`gRPC call poll_workflow_task_queue retried ${attempt} times`, { sdkComponent: 'core' });
    sdk.warn('Activity failed', { sdkComponent: 'worker' });
    sdk.warn('Activity failed', { sdkComponent: 'worker' });
    now = 10_000;
    sdk.warn('gRPC call poll_workflow_task_queue retried 9 times', { sdkComponent: 'core' });
    expect(lines.map((l) => [l.msg, l.repeated])).toEqual([
      ['gRPC call poll_workflow_task_queue retried 6 times', undefined],
      ['Activity failed', undefined],
      ['Activity failed', undefined],
      ['gRPC call poll_workflow_task_queue retried 9 times', 2],
    ]);
  });
});
