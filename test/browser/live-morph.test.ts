/**
 * Smooth live updates: the stream's progress region is morphed in place (idiomorph), so the bar is the same
 * element from one value to the next (its CSS transition runs) and a running step keeps its spinner.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { startBrowserStack, type BrowserStack } from './support/stack.js';
import { getProgressQuery, orderWorkflowId, PROGRESS } from '../../src/temporal/contract.js';
import { eventually } from '../support/capture.js';
import { expectText, expectVisible, newTestPage, placeOrder } from './support/ui.js';

let stack: BrowserStack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startBrowserStack({ name: 'browser-morph', timeScale: 0.5 }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('live updates of an order', () => {
  it('morph the progress bar and the timeline in place instead of replacing them', async () => {
    const { page, errors } = await newTestPage(browser, 'morph');
    await placeOrder(page, stack.url, 'HappyPath');
    await expectVisible(page.getByTestId('progress'));
    // Keep references to the elements the room is looking at (a morph also syncs attributes, so a mark in
    // the DOM would not survive either way): a replaced element is no longer in the document.
    await page.evaluate(() => {
      const w = window as unknown as Record<string, Element | null>;
      w.bar = document.querySelector('[data-testid="progress"]');
      w.timeline = document.querySelector('[data-testid="timeline"]');
    });
    const stillThere = () =>
      page.evaluate(() => {
        const w = window as unknown as Record<string, Element | null>;
        return [w.bar?.isConnected, w.timeline?.isConnected];
      });
    const first = Number(await page.getByTestId('progress').getAttribute('value'));
    await page.waitForFunction((from) => Number(document.querySelector('[data-testid="progress"]')?.getAttribute('value')) > from, first);
    await page.locator('[data-testid="outcome"][data-outcome="completed"]').waitFor();
    expect(await stillThere()).toEqual([true, true]);
    expect(await page.getByTestId('progress').getAttribute('value')).toBe('100');
    expect(errors).toEqual([]);
  });

  it('resume after a dropped stream with what changed meanwhile, however often it changed', async () => {
    const { page } = await newTestPage(browser, 'reconnect');
    // What the page's streams asked for: the URL's ?seen= and the Last-Event-ID a reconnect sends.
    const streams: Promise<{ seen: string | null; lastEventId: string | undefined }>[] = [];
    page.on('request', (req) => {
      const url = new URL(req.url());
      // allHeaders(): headers() leaves out what the network stack adds, Last-Event-ID among them.
      if (url.pathname.endsWith('/events')) streams.push(req.allHeaders().then((h) => ({ seen: url.searchParams.get('seen'), lastEventId: h['last-event-id'] })));
    });
    const ids: string[] = [];
    await page.exposeFunction('noteEventId', (id: string) => ids.push(id));
    await page.addInitScript(() => {
      document.addEventListener('htmx:sseMessage', (e) => {
        const id = (e as CustomEvent<MessageEvent>).detail?.lastEventId;
        if (id) void (window as unknown as { noteEventId(id: string): Promise<void> }).noteEventId(id);
      });
    });
    const orderId = await placeOrder(page, stack.url, 'HappyPath');
    const handle = stack.workers.client.workflow.getHandle(orderWorkflowId(orderId));
    await page.waitForFunction((from) => Number(document.querySelector('[data-testid="progress"]')?.getAttribute('value')) >= from, PROGRESS.fraudChecked);
    await eventually('a region sent over the stream', () => ids.length > 0, 30_000);
    const shown = Number(await page.getByTestId('progress').getAttribute('value'));

    const reconnect = await stack.interrupt();
    // Two changes of the progress region while the browser cannot hear about them.
    const steps = [PROGRESS.fraudChecked, PROGRESS.shipmentPrepared, PROGRESS.charged, PROGRESS.completed];
    const target = steps[Math.min(steps.indexOf(shown as (typeof steps)[number]) + 2, steps.length - 1)]!;
    await eventually(`progress ${target} in Temporal`, async () => (await handle.query(getProgressQuery)) >= target, 60_000, 100);
    const lastSeen = ids.at(-1);
    const before = streams.length;
    await reconnect();

    // The browser comes back by itself and shows the latest state, without a reload.
    await page.waitForFunction((t) => Number(document.querySelector('[data-testid="progress"]')?.getAttribute('value')) >= t, target, { timeout: 60_000 });
    await page.locator('[data-testid="outcome"][data-outcome="completed"]').waitFor({ timeout: 60_000 });
    // It said what it showed: the id of the last event it got, not the first render's digests.
    const again = await Promise.all(streams.slice(before));
    expect(again.length).toBeGreaterThan(0);
    expect(again.some((s) => s.lastEventId === lastSeen || s.seen === lastSeen)).toBe(true);
  });

  it('cancel the order from its page: the room sees the undo steps and the ending, Canceled in Temporal', async () => {
    const { page, errors } = await newTestPage(browser, 'cancel');
    const orderId = await placeOrder(page, stack.url, 'HumanInLoopSignal');
    await expectVisible(page.getByTestId('address-form'));
    // The button reads "Cancel the order", legibly: its text is not the colour of its background.
    const button = page.getByTestId('cancel-order');
    await expectText(button, 'Cancel the order');
    const colours = await button.evaluate((el) => {
      const style = getComputedStyle(el);
      return { text: style.color, background: style.backgroundColor };
    });
    expect(colours.text).not.toBe(colours.background);
    await button.click();
    await expectVisible(page.getByTestId('cancel-answer').or(page.getByTestId('cancel-requested')).first());
    await page.locator('[data-testid="outcome"][data-outcome="cancelled"]').waitFor({ timeout: 60_000 });
    await expectText(page.getByTestId('compensations-summary'), /Undo charge \(refund\): Undone\s*Undo shipment preparation: Undone/);
    const d = await stack.workers.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
    expect(d.status.name).toBe('CANCELLED');
    expect(errors).toEqual([]);
  });
});
