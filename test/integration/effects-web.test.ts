/**
 * The console shows the effects, on both engines: a real worker whose activities change the outside
 * systems, the console reading the same database. The Effects panel says what the outside world saw
 * (APIFailure: charged once although ChargeCustomer ran 5 times; NonRecoverableFailure: declined, voided,
 * released), the stream sends it as the order moves, and the Warehouse page shows the stock and reservations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createSystems } from '../../src/db/systems.js';
import { getProgressQuery, orderIdOf } from '../../src/temporal/contract.js';
import { ENGINES, startTestDatabase, type TestDatabase } from '../support/databases.js';
import { resultOf, startTestWorkers, waitFor, type TestWorkers } from '../support/workers.js';
import { readEvents, startTestConsole, testid, type TestConsole } from './web-support.js';

describe.each(ENGINES)('Effects panel and Warehouse page on %s', (engine) => {
  let server: TestDatabase;
  let db: Database;
  let workers: TestWorkers;
  let web: TestConsole;
  /** The console's reads of the stock table (the real ones, counted). */
  let stockReads = 0;
  /** When set, the console's next read of an order's messages answers (what it read then) only once `opened` resolves. */
  let held: { opened: Promise<void>; started: () => void } | undefined;

  beforeAll(async () => {
    server = await startTestDatabase(engine);
    db = await openDatabase(server.url, { max: 4 });
    const systems = createSystems(db);
    workers = await startTestWorkers({ name: `effects-${engine}`, systems });
    const stock = systems.warehouse.stock.bind(systems.warehouse);
    const sentTo = systems.notifications.sentTo.bind(systems.notifications);
    const slowSentTo = async (workflowId: string) => {
      const read = await sentTo(workflowId);
      const hold = held;
      held = undefined;
      if (hold) {
        hold.started();
        await hold.opened;
      }
      return read;
    };
    const counted = {
      ...systems,
      warehouse: { ...systems.warehouse, stock: () => ((stockReads += 1), stock()) },
      notifications: { ...systems.notifications, sentTo: slowSentTo },
    };
    web = startTestConsole({ config: workers.config, systems: counted });
  });
  afterAll(async () => {
    await workers?.stop();
    await web?.close();
    await db?.close();
    await server?.stop();
  });

  const text = (html: string, id: string): string | undefined => testid(html, id)?.replace(/\s+/g, ' ').trim();

  it('APIFailure: "Charged $205 once — ChargeCustomer ran 5 times", items shipped, confirmation sent; the stream sent it', async () => {
    const handle = await workers.startOrder('APIFailure');
    const orderId = orderIdOf(handle.workflowId)!;
    // Follow the live stream to its end: its last effects region must already hold the charge.
    const events = readEvents(await web.get(`/orders/${orderId}/events`), (seen) => seen.some((e) => e.event === 'done'), 60_000);
    await resultOf(handle);
    const streamed = (await events).events.filter((e) => e.event === 'effects').map((e) => e.data);
    expect(streamed.length).toBeGreaterThan(0);
    expect(text(streamed.at(-1)!, 'effect-charge')).toBe('Charged $205 once — ChargeCustomer ran 5 times');

    const page = await (await web.get(`/orders/${orderId}`)).text();
    expect(text(page, 'effect-charge')).toBe('Charged $205 once — ChargeCustomer ran 5 times');
    expect(text(page, 'effect-stock-654321')).toBe('reserved, then shipped');
    expect(text(page, 'effect-message-confirmation')).toBe(`Order ${orderId} confirmed: we charged $205.`);
    expect(testid(page, 'effect-refund')).toBeUndefined();
  });

  it('a slow Effects read holds back neither the progress that follows nor a newer read', async () => {
    let open!: () => void;
    let holding = false;
    const opened = new Promise<void>((resolve) => {
      open = () => {
        holding = false;
        resolve();
      };
    });
    held = { opened, started: () => (holding = true) };
    // Slower than the tests' usual pace: the stream's first view must come before the order ends, even on a busy machine.
    const handle = await workers.startOrder('HappyPath', { TimeScale: 0.3 });
    const orderId = orderIdOf(handle.workflowId)!;
    const confirmed = (html: string) => testid(html, 'effect-message-confirmation') !== undefined;
    let progressWhileHeld = 0;
    let seenProgress = 0;
    const events = readEvents(
      await web.get(`/orders/${orderId}/events`),
      (seen) => {
        const progress = seen.filter((e) => e.event === 'progress').length;
        if (holding) progressWhileHeld += progress - seenProgress;
        seenProgress = progress;
        // The order went on (two steps) and a newer read showed the confirmation, while the first view's read
        // still waits: the stream did not wait for it. It answers now, with what it read at the start.
        if (holding && progressWhileHeld >= 2 && seen.some((e) => e.event === 'effects' && confirmed(e.data))) open();
        return seen.some((e) => e.event === 'done');
      },
      60_000,
    );
    await resultOf(handle).finally(() => setTimeout(open, 2_000));
    const streamed = (await events).events;
    expect(progressWhileHeld).toBeGreaterThanOrEqual(2);
    // Never a step back: once the confirmation was shown, the held (older) answer was not shown over it.
    const effects = streamed.filter((e) => e.event === 'effects').map((e) => e.data);
    const first = effects.findIndex(confirmed);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(effects.slice(first).every(confirmed)).toBe(true);
    expect(text(effects.at(-1)!, 'effect-stock-654321')).toBe('reserved, then shipped');
  });

  it('NonRecoverableFailure: declined once, voided, items released, cancellation sent', async () => {
    const handle = await workers.startOrder('NonRecoverableFailure');
    const orderId = orderIdOf(handle.workflowId)!;
    await expect(handle.result()).rejects.toThrow();
    const page = await (await web.get(`/orders/${orderId}`)).text();
    expect(text(page, 'effect-charge')).toBe('Card declined, nothing charged — ChargeCustomer ran once');
    expect(text(page, 'effect-refund')).toBe('Nothing to refund (voided)');
    for (const item of [654300, 654321, 654322]) expect(text(page, `effect-stock-${item}`)).toBe('reserved, then released');
    expect(text(page, 'effect-message-cancellation')).toBe(`Order ${orderId} cancelled: nothing was charged.`);
  });

  it('HappyPath cancelled after its preparation: released, never charged, the customer told once', async () => {
    const handle = await workers.startOrder('HappyPath', { TimeScale: 5 });
    const orderId = orderIdOf(handle.workflowId)!;
    await waitFor(() => handle.query(getProgressQuery), (p) => p >= 50, 'progress 50');
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    const page = await (await web.get(`/orders/${orderId}`)).text();
    for (const item of [654300, 654321, 654322]) expect(text(page, `effect-stock-${item}`)).toBe('reserved, then released');
    expect(text(page, 'effect-charge')).toBe('not charged');
    expect(testid(page, 'effect-refund')).toBeUndefined();
    expect(text(page, 'effect-message-cancellation')).toBe(`Order ${orderId} cancelled: nothing was charged.`);
    expect(await createSystems(db).notifications.sentTo(handle.workflowId)).toHaveLength(1);
  });

  it('the Warehouse page lists stock, the orders\' reservations and links them to their pages', async () => {
    const html = await (await web.get('/warehouse')).text();
    expect(html).toContain('aria-current="page">Warehouse');
    expect(testid(html, 'stock-654321')).toBeDefined();
    const stock = (await createSystems(db).warehouse.stock()).find((s) => s.itemId === 654321)!;
    expect(text(html, 'on-hand-654321')).toBe(String(stock.onHand));
    expect(text(html, 'reserved-654321')).toBe(String(stock.reserved));
    expect(html).toMatch(/<a href="\/orders\/\d+">/);
    const figures = await (await web.get('/warehouse/figures')).text();
    expect(figures).toContain('data-testid="stock"');
  });

  it('a room refreshing the Warehouse page at once costs the database one read', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the last test's shared read
    const before = stockReads;
    const pages = await Promise.all(Array.from({ length: 30 }, () => web.get('/warehouse/figures')));
    expect(pages.map((p) => p.status)).toEqual(Array(30).fill(200));
    expect(stockReads - before).toBe(1);
  });
});

describe('without a database', () => {
  it('the panel and the page say the activities only simulate their calls', async () => {
    const workers = await startTestWorkers({ name: 'effects-off' });
    const web = startTestConsole({ config: workers.config });
    try {
      const handle = await workers.startOrder('HappyPath');
      await resultOf(handle);
      const page = await (await web.get(`/orders/${orderIdOf(handle.workflowId)}`)).text();
      expect(testid(page, 'effects-off')).toBeDefined();
      expect(testid(await (await web.get('/warehouse')).text(), 'warehouse-off')).toBeDefined();
    } finally {
      await workers.stop();
      await web.close();
    }
  });
});
