import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { watchPollFailures, type PollFailureWatch } from './poll-failures.js';

const lines: string[] = [];
const logger = createLogger({ name: 'test', level: 'debug', json: true, write: (line) => lines.push(line) });
let server: Server | undefined;
let watch: PollFailureWatch | undefined;
afterEach(async () => {
  watch?.stop();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A stand-in for the SDK's endpoint, serving temporal_long_request_failure samples we choose. */
async function serve(samples: () => Record<string, number>): Promise<string> {
  server = createServer((_req, res) => {
    const body = Object.entries(samples())
      .map(([labels, value]) => `temporal_long_request_failure{${labels},task_queue="orders"} ${value}`)
      .join('\n');
    res.end(`# TYPE temporal_long_request_failure counter\n${body}\n`);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const poll = (op: string, code: string) => `operation="${op}",status_code="${code}"`;

describe('watchPollFailures', () => {
  it('counts refused polls and stamps the scrape that saw them rise; other failures only count as failures', async () => {
    let samples: Record<string, number> = {};
    let clock = 1_000_000;
    watch = watchPollFailures({ metricsAddress: await serve(() => samples), logger, intervalMs: 60_000, now: () => clock });
    await watch.refresh();
    expect(watch.rejections()).toEqual({ count: 0, lastAt: null });
    expect(watch.lastFailureAt()).toBeUndefined();

    samples = { [poll('PollWorkflowTaskQueue', 'UNAUTHENTICATED')]: 3, [poll('PollActivityTaskQueue', 'PERMISSION_DENIED')]: 1 };
    await watch.refresh();
    expect(watch.rejections()).toEqual({ count: 4, lastAt: new Date(1_000_000).toISOString() });
    expect(watch.lastFailureAt()).toBe(1_000_000);

    clock += 5_000; // no change: the time of the last rise stays
    await watch.refresh();
    expect(watch.rejections().lastAt).toBe(new Date(1_000_000).toISOString());

    clock += 5_000; // the server went away: a failure, not a refusal; cancelled polls (shutdown) are neither
    samples = { ...samples, [poll('PollWorkflowTaskQueue', 'TRANSPORT_ERROR')]: 2, [poll('PollActivityTaskQueue', 'CANCELLED')]: 9 };
    await watch.refresh();
    expect(watch.rejections()).toEqual({ count: 4, lastAt: new Date(1_000_000).toISOString() });
    expect(watch.lastFailureAt()).toBe(1_010_000);

    clock += 5_000; // failures of calls that are not polls do not count
    samples = { ...samples, [poll('RespondWorkflowTaskCompleted', 'UNAUTHENTICATED')]: 7 };
    await watch.refresh();
    expect(watch.rejections().count).toBe(4);
    expect(watch.lastFailureAt()).toBe(1_010_000);
  });

  it('counts the polls open at the server (started, not ended), and names the code of the latest failures', async () => {
    let text = '';
    server = createServer((_req, res) => res.end(text));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    watch = watchPollFailures({ metricsAddress: `127.0.0.1:${(server.address() as AddressInfo).port}`, logger, intervalMs: 60_000 });
    const exposition = (started: number, ended: number, failures: Record<string, number>) =>
      [
        '# TYPE temporal_long_request counter',
        `temporal_long_request{operation="PollWorkflowTaskQueue"} ${started}`,
        `temporal_long_request{operation="GetSystemInfo"} 50`,
        '# TYPE temporal_long_request_latency histogram',
        `temporal_long_request_latency_bucket{operation="PollWorkflowTaskQueue",le="+Inf"} ${ended}`,
        `temporal_long_request_latency_sum{operation="PollWorkflowTaskQueue"} 1`,
        `temporal_long_request_latency_count{operation="PollWorkflowTaskQueue"} ${ended}`,
        '# TYPE temporal_long_request_failure counter',
        ...Object.entries(failures).map(([code, n]) => `temporal_long_request_failure{operation="PollWorkflowTaskQueue",status_code="${code}"} ${n}`),
        '',
      ].join('\n');
    expect(watch.openPolls()).toBeUndefined();
    text = exposition(10, 0, {}); // polling: ten long polls open
    await watch.refresh();
    expect(watch.openPolls()).toBe(10);
    text = exposition(30, 30, { UNAUTHENTICATED: 20 }); // refused: each poll ends at once
    await watch.refresh();
    expect(watch.openPolls()).toBe(0);
    expect(watch.lastFailureCode()).toBe('UNAUTHENTICATED');
    text = exposition(45, 45, { UNAUTHENTICATED: 21, TRANSPORT_ERROR: 35 }); // the server went away
    await watch.refresh();
    expect(watch.lastFailureCode()).toBe('TRANSPORT_ERROR');
  });

  it('shares one scrape between concurrent callers, and warns once when its own endpoint cannot be read', async () => {
    let scrapes = 0;
    watch = watchPollFailures({ metricsAddress: await serve(() => (scrapes++, {})), logger, intervalMs: 60_000 });
    await Promise.all([watch.refresh(), watch.refresh(), watch.refresh()]);
    expect(scrapes).toBe(1);
    watch.stop();

    const before = lines.length;
    watch = watchPollFailures({ metricsAddress: '127.0.0.1:1', logger, intervalMs: 60_000 });
    await watch.refresh();
    await watch.refresh();
    expect(lines.slice(before).filter((l) => l.includes('Cannot read the worker')).length).toBe(1);
    expect(watch.rejections()).toEqual({ count: 0, lastAt: null });
  });
});
