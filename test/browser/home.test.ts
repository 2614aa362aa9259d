/**
 * The home page as a presenter uses it on a projector (1280×720): every scenario above the fold, each
 * button named for its scenario, number keys to start one, `?` to list them, and the display choices
 * (presenter-size type, theme) remembered across pages.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/temporal/contract.js';
import { SCENARIO_CARDS } from '../../src/web/scenarios.js';
import { launchChromium } from './support/chromium.js';
import { startBrowserStack, type BrowserStack } from './support/stack.js';
import { expectText, expectVisible, newTestPage, topBarRows } from './support/ui.js';

let stack: BrowserStack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startBrowserStack({ name: 'browser-home' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the home page on a projector', () => {
  it('shows every scenario above the fold at 1280×720, each button named for its scenario', async () => {
    const { page, errors } = await newTestPage(browser, 'home-fold');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${stack.url}/`);
    for (const card of SCENARIO_CARDS) {
      const button = page.getByTestId(`place-order-${card.name}`);
      await expect(button.textContent()).resolves.toContain(card.title);
      const box = await button.boundingBox();
      expect(box, `${card.name} has a button on screen`).not.toBeNull();
      expect(box!.y + box!.height, `${card.name}'s button is above the fold`).toBeLessThanOrEqual(720);
      expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
    }
    expect(SCENARIO_CARDS.length).toBe(SCENARIOS.length);
    expect(errors).toEqual([]);
  });

  it('keeps the top bar on one row at 1280 px: brand, every page of the nav and the display buttons', async () => {
    const { page, errors } = await newTestPage(browser, 'home-topbar');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${stack.url}/`);
    const rows = await topBarRows(page);
    // Brand, eight nav links (the presenter's, on loopback) and the two display buttons, on one row.
    expect(rows.count).toBe(11);
    expect(rows.spread).toBeLessThan(20);
    expect(errors).toEqual([]);
  });

  it('starts the scenario of a number key, and ? lists the keys', async () => {
    const { page, errors } = await newTestPage(browser, 'home-keys');
    await page.goto(`${stack.url}/`);
    await page.keyboard.press('?');
    await expectVisible(page.getByTestId('shortcuts'));
    await expect(page.getByTestId('shortcuts').textContent()).resolves.toContain(SCENARIO_CARDS[6]!.title);
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts').waitFor({ state: 'hidden' });

    const orderId = await page.getByTestId('order-id-input').inputValue();
    // Key 7 is the seventh card: APIFailure in the contract's order.
    await page.keyboard.press('7');
    await page.waitForURL(`${stack.url}/orders/${orderId}`);
    await expectText(page.getByTestId('order-id'), orderId);
    await expect(page.locator('code', { hasText: SCENARIO_CARDS[6]!.workflowType }).count()).resolves.toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('does not start anything while the presenter types into a field', async () => {
    const { page } = await newTestPage(browser, 'home-typing');
    await page.goto(`${stack.url}/`);
    await page.getByTestId('order-details').locator('summary').click();
    await page.getByTestId('address-input').fill('');
    await page.getByTestId('address-input').type('12 Elm');
    await expect(page.getByTestId('address-input').inputValue()).resolves.toBe('12 Elm');
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('remembers presenter mode (nothing under 20 px) and the theme across pages', async () => {
    const { page, errors } = await newTestPage(browser, 'home-prefs');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${stack.url}/`);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const light = await background();
    await page.getByTestId('toggle-theme').click();
    expect(await background()).not.toBe(light);
    await page.getByTestId('toggle-projector').click();
    await expect(page.getByTestId('toggle-projector').getAttribute('aria-pressed')).resolves.toBe('true');

    await page.goto(`${stack.url}/operator`);
    expect(await background()).not.toBe(light);
    const smallest = await page.evaluate(() => {
      let min = Infinity;
      for (const el of Array.from(document.querySelectorAll('body *'))) {
        if (!(el instanceof HTMLElement) || !el.offsetParent || !el.textContent?.trim()) continue;
        min = Math.min(min, parseFloat(getComputedStyle(el).fontSize));
      }
      return min;
    });
    expect(smallest).toBeGreaterThanOrEqual(20);
    await page.getByTestId('toggle-theme').click();
    expect(await background()).toBe(light);
    expect(errors).toEqual([]);
  });
});
