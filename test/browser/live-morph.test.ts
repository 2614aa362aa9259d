/**
 * Smooth live updates: the stream's progress region is morphed in place (idiomorph), so the bar is the same
 * element from one value to the next (its CSS transition runs) and a running step keeps its spinner.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { startBrowserStack, type BrowserStack } from './support/stack.js';
import { expectVisible, newTestPage, placeOrder } from './support/ui.js';

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
});
