import { describe, expect, it } from 'vitest';
import { countByVersion, createDeploymentControl, RampRefused } from './deployments.js';

describe('new workflows per version', () => {
  it('counts each version with one visibility query over the window, under both spellings of the version', async () => {
    const queries: string[] = [];
    const workflow = { count: async (query: string) => (queries.push(query), { count: query.includes('v2-') ? 3 : 1 }) };
    const split = await countByVersion(workflow, 'order-demo', ['v1-abc', 'v2-abc'], 10, Date.parse('2026-01-01T00:10:00Z'));
    expect(split).toEqual({ minutes: 10, counts: [{ buildId: 'v1-abc', count: 1 }, { buildId: 'v2-abc', count: 3 }] });
    expect(queries[0]).toBe("StartTime > '2026-01-01T00:00:00.000Z' AND TemporalWorkerDeploymentVersion IN ('order-demo:v1-abc', 'order-demo.v1-abc')");
  });
});

describe('the ramp', () => {
  const config = { temporal: { namespace: 'default' }, versioning: { enabled: true, deploymentName: 'order-demo' } } as never;
  const service = (routing: object, calls: unknown[]) => ({
    describeWorkerDeployment: async () => ({
      workerDeploymentInfo: {
        routingConfig: routing,
        versionSummaries: [{ deploymentVersion: { buildId: 'v1-abc' }, createTime: { seconds: 1 } }, { deploymentVersion: { buildId: 'v2-abc' }, createTime: { seconds: 2 } }],
      },
    }),
    setWorkerDeploymentRampingVersion: async (request: unknown) => (calls.push(request), {}),
  });

  it('ramps the newest version 2, stops, and refuses when the fix is current or versioning is off', async () => {
    const calls: unknown[] = [];
    const control = createDeploymentControl({ client: { workflowService: service({ currentDeploymentVersion: { buildId: 'v1-abc' } }, calls) as never }, config });
    expect(await control.ramp(50)).toEqual({ rampingBuildId: 'v2-abc', percentage: 50, changed: true });
    expect(calls[0]).toMatchObject({ namespace: 'default', deploymentName: 'order-demo', buildId: 'v2-abc', percentage: 50 });
    expect(await control.ramp(0)).toEqual({ rampingBuildId: undefined, percentage: 0, changed: false });
    await expect(control.ramp(150)).rejects.toThrow(RangeError);

    const ramping = createDeploymentControl({ client: { workflowService: service({ currentDeploymentVersion: { buildId: 'v1-abc' }, rampingDeploymentVersion: { buildId: 'v2-abc' }, rampingVersionPercentage: 50 }, calls) as never }, config });
    expect(await ramping.ramp(50)).toMatchObject({ changed: false });
    expect(await ramping.ramp(0)).toEqual({ rampingBuildId: undefined, percentage: 0, changed: true });
    expect(calls.at(-1)).toMatchObject({ buildId: '', percentage: 0 });

    const fixed = createDeploymentControl({ client: { workflowService: service({ currentDeploymentVersion: { buildId: 'v2-abc' } }, calls) as never }, config });
    await expect(fixed.ramp(50)).rejects.toMatchObject({ reason: 'conflict' });
    const off = createDeploymentControl({ client: { workflowService: undefined as never }, config: { temporal: { namespace: 'default' }, versioning: { enabled: false, deploymentName: 'x' } } as never });
    await expect(off.ramp(50)).rejects.toMatchObject({ reason: 'unavailable' });
  });
});
