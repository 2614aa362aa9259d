/**
 * The durability controls of a console that no supervisor started (`npm run web`, the tests): they say why
 * they are absent, refuse to act with the right status, and keep to form posts from the console itself.
 * With the supervisor they are exercised for real, kill and start included, in launcher.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig, uniqueTaskQueue } from '../support/env.js';
import { ORIGIN, startTestConsole, testid, type TestConsole } from './web-support.js';

let web: TestConsole;
beforeAll(() => {
  web = startTestConsole({ config: testConfig({ TEMPORAL_TASK_QUEUE: uniqueTaskQueue('durability') }) });
});
afterAll(async () => {
  await web?.close();
});

describe('durability controls without npm start', () => {
  it('say why they are absent, on the operator page and in their own region', async () => {
    const region = await (await web.get('/durability')).text();
    expect(testid(region, 'durability-absent')).toMatch(/under `npm start`/);
    expect(region).not.toContain('data-testid="kill-worker"');
    const operator = await (await web.get('/operator')).text();
    expect(testid(operator, 'durability-absent')).toMatch(/supervisor owns the worker and server processes/);
  });

  it('refuse to kill or start anything: 501 with a clear page, never a stack trace', async () => {
    for (const action of ['kill-worker', 'start-worker', 'restart-temporal']) {
      const res = await web.post(`/durability/${action}`, { orderId: '12' });
      expect(res.status).toBe(501);
      const html = await res.text();
      expect(html).toContain('npm start');
      expect(html).not.toMatch(/\n\s+at /);
    }
  });

  it('accept only form posts from the console itself, and only the actions it offers', async () => {
    const json = await web.app.request('/durability/kill-worker', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: '{}',
    });
    expect(json.status).toBe(415);
    const foreign = await web.post('/durability/kill-worker', { orderId: '12' }, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect((await web.post('/durability/format-disk', {})).status).toBe(404);
  });
});
