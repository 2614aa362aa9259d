import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { RetryWindow, parseFailures, startRetrySampler } from './worker-metrics.js';

const exposition = (charge: number, ship: number) => `
# HELP order_demo_activity_failures_total Failed activity attempts
# TYPE order_demo_activity_failures_total counter
order_demo_activity_failures_total{activity="ChargeCustomer",scenario="APIFailure",service_name="temporal-core-sdk",task_queue="orders"} ${charge}
order_demo_activity_failures_total{activity="ShipOrder",scenario="Happy\\"Path",task_queue="orders"} ${ship}
order_demo_activity_failures_totally_different 99
order_demo_activity_attempts_total{activity="ChargeCustomer",scenario="APIFailure"} 50
`;

describe('parseFailures', () => {
  it('reads the failures counter by scenario and activity, summing over other labels and ignoring other metrics', () => {
    const totals = parseFailures(exposition(4, 1) + 'order_demo_activity_failures_total{activity="ChargeCustomer",scenario="APIFailure",task_queue="other"} 2\n');
    expect(Object.fromEntries(totals)).toEqual({ 'APIFailure\u0000ChargeCustomer': 6, 'Happy"Path\u0000ShipOrder': 1 });
    expect(parseFailures('').size).toBe(0);
  });
});

describe('RetryWindow', () => {
  const totals = (charge: number) => parseFailures(exposition(charge, 0));

  it('counts the increase over the last minute, not since the worker started', () => {
    const window = new RetryWindow(60_000);
    window.add(0, totals(10));
    window.add(30_000, totals(14));
    expect(window.increase()).toMatchObject({ coveredMs: 30_000, series: [{ scenario: 'APIFailure', activity: 'ChargeCustomer', count: 4 }] });
    window.add(61_000, totals(15));
    window.add(95_000, totals(15));
    // The window starts at 35 s: its baseline is the 30 s sample (14), so one retry remains.
    expect(window.increase()).toMatchObject({ coveredMs: 65_000, series: [{ count: 1 }] });
  });

  it('treats a counter that went down as a restarted worker, and new series as counted from 0', () => {
    const window = new RetryWindow(60_000);
    window.add(0, totals(10));
    window.add(5_000, totals(2));
    window.add(10_000, new Map([...totals(3), ['NonRecoverableFailure\u0000ChargeCustomer', 1]]));
    expect(window.increase().series).toEqual([
      { scenario: 'APIFailure', activity: 'ChargeCustomer', count: 3 },
      { scenario: 'NonRecoverableFailure', activity: 'ChargeCustomer', count: 1 },
    ]);
  });

  it('forgets samples from long ago: nobody watching for ten minutes is not "the last minute"', () => {
    const window = new RetryWindow(60_000, 15_000);
    window.add(0, totals(1));
    window.add(600_000, totals(9));
    expect(window.increase()).toEqual({ series: [], coveredMs: 0 });
  });
});

describe('startRetrySampler', () => {
  it('fills the window in the background, before any page asks, from the worker\'s real /metrics page', async () => {
    let failures = 0;
    const server = createServer((_req, res) => {
      failures += 2;
      res.end(`# TYPE order_demo_activity_failures_total counter\norder_demo_activity_failures_total{scenario="APIFailure",activity="ChargeCustomer"} ${failures}\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const window = new RetryWindow();
    const sampler = startRetrySampler({ address: `127.0.0.1:${(server.address() as AddressInfo).port}`, window, everyMs: 10 });
    try {
      await vi.waitFor(() => expect(window.increase().series[0]?.count ?? 0).toBeGreaterThanOrEqual(4), { timeout: 10_000 });
      expect(window.increase().series[0]).toMatchObject({ scenario: 'APIFailure', activity: 'ChargeCustomer' });
    } finally {
      sampler.stop();
      server.close();
    }
  });
});
