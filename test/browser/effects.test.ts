/**
 * The Effects panel in a browser: it fills in live, with the rest of the order page, from the outside
 * systems' database (APIFailure: charged once although ChargeCustomer ran 5 times), without a reload; and
 * the Warehouse page is one click away in the top bar.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { startBrowserStack, type BrowserStack } from './support/stack.js';
import { countPageLoads, expectText, newTestPage, placeOrder } from './support/ui.js';

let stack: BrowserStack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startBrowserStack({ name: 'browser-effects', timeScale: 0.2, effects: true }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('Effects panel', () => {
  it('fills in live as the order runs: reserved, then "Charged $205 once — ChargeCustomer ran 5 times", then shipped', async () => {
    const { page, errors } = await newTestPage(browser, 'effects');
    const orderId = await placeOrder(page, stack.url, 'APIFailure');
    const loads = countPageLoads(page);
    await expectText(page.getByTestId('effect-stock-654321'), /^reserved/, 60_000);
    await expectText(page.getByTestId('effect-charge'), 'Charged $205 once — ChargeCustomer ran 5 times', 60_000);
    await page.locator('[data-testid="outcome"][data-outcome="completed"]').waitFor({ timeout: 60_000 });
    await expectText(page.getByTestId('effect-stock-654321'), 'reserved, then shipped');
    await expectText(page.getByTestId('effect-message-confirmation'), `Order ${orderId} confirmed: we charged $205.`);
    expect(loads()).toBe(0);
    expect(errors).toEqual([]);

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Warehouse' }).click();
    await page.waitForURL(`${stack.url}/warehouse`);
    await expectText(page.getByTestId('reserved-654321'), '0');
    await expect(page.locator(`a[href="/orders/${orderId}"]`).first().isVisible()).resolves.toBe(true);
    expect(errors).toEqual([]);
  });
});
