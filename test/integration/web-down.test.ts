/**
 * The Temporal server goes away and comes back while the console runs. A TCP proxy in front of the
 * run's dev server plays the outage: every page still renders, with a banner saying the server is
 * down, and the banner clears by itself once the server answers again.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { waitFor } from '../support/workers.js';
import { startTestConsole, testid, testidAttr } from './web-support.js';
import type { TestConsole } from './web-support.js';

/** A TCP forwarder that can be switched off (refusing and cutting connections) and on again. */
class Outage {
  #server: net.Server | undefined;
  readonly #sockets = new Set<net.Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  async down(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
    this.#server = undefined;
  }
}

let web: TestConsole;
let outage: Outage;
beforeAll(async () => {
  const [host, port] = inject('temporalAddress').split(':');
  outage = new Outage({ host: host === 'localhost' ? '127.0.0.1' : host!, port: Number(port) });
  await outage.up();
  web = startTestConsole({ address: `127.0.0.1:${outage.port}`, timeoutMs: 1000 });
});
afterAll(async () => {
  await web?.close();
  await outage?.down();
});

const banner = async (path = '/status') => testid(await (await web.get(path)).text(), 'server-down-banner');

describe('when the Temporal server is down', () => {
  it('shows a banner on every page, keeps pages working, and clears when the server is back', async () => {
    expect(await banner()).toBeUndefined();
    await outage.down();

    // /status pings at most every 2 s (a room of pages polling it costs one ping): wait for the next one.
    expect(await waitFor(() => banner(), (text) => text !== undefined, 'the banner', 10_000)).toMatch(/not reachable/);
    // Every page renders (with the banner), none waits long, none is a 500.
    const home = await web.get('/');
    expect(home.status).toBe(200);
    expect(testid(await home.text(), 'server-down-banner')).toMatch(/not reachable/);
    const order = await web.get('/orders/123456');
    expect(order.status).toBe(503);
    expect(testid(await order.text(), 'error-message')).toMatch(/cannot be shown right now/);
    const list = await web.get('/orders');
    expect(list.status).toBe(503);
    expect(testid(await list.text(), 'orders-error')).toBeDefined();
    const preflight = await (await web.get('/preflight')).text();
    expect(testidAttr(preflight, 'check-server', 'data-status')).toBe('fail');
    expect(testidAttr(preflight, 'check-namespace', 'data-status')).toBe('skipped');
    const ready = await web.get('/readyz');
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reason: string }).reason).toMatch(/Temporal server/);
    expect((await web.get('/healthz')).status).toBe(200);

    // Placing an order says it did not happen, and keeps what the presenter typed.
    const placed = await web.post('/orders', { scenario: 'HappyPath', orderId: '777777', address: '5 Kept Rd' });
    expect(placed.status).toBe(503);
    const form = await placed.text();
    expect(testid(form, 'form-error')).toMatch(/not placed/);
    expect(testidAttr(form, 'address-input', 'value')).toBe('5 Kept Rd');

    await outage.up();
    await waitFor(() => banner(), (text) => text === undefined, 'the banner to clear', 20_000);
    expect((await web.get('/readyz')).status).toBe(200);
    expect(testid(await (await web.get('/')).text(), 'server-down-banner')).toBeUndefined();
  });

  it('starts and renders with no server at all (a port nobody listens on)', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const lonely = startTestConsole({ address: `127.0.0.1:${port}`, timeoutMs: 1000 });
    try {
      expect((await lonely.get('/')).status).toBe(200);
      expect(testid(await (await lonely.get('/status')).text(), 'server-down-banner')).toMatch(/not reachable/);
      expect((await lonely.get('/readyz')).status).toBe(503);
    } finally {
      await lonely.close();
    }
  });
});
