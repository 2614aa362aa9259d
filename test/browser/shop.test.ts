/**
 * The Shop page as a presenter uses it on a projector (1280×720): fill the room cart with the forms, see it
 * continue as new live (run count, the "continued as new" note, content carried), check out, and land on the
 * new order's page. The forms are swapped in place by htmx: the page never reloads.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { startBrowserStack, type BrowserStack } from './support/stack.js';
import { PROJECTOR, countPageLoads, expectOnScreen, expectText, expectVisible, newTestPage } from './support/ui.js';

const EVERY = 4;
let stack: BrowserStack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([
    startBrowserStack({ name: 'browser-shop', env: { ORDER_DEMO_CART_CONTINUE_EVERY: String(EVERY), ORDER_DEMO_ROOM_CART: `room-${process.pid}-${Date.now() % 100_000}` } }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the Shop page', () => {
  it('fills a cart, shows it continue as new live, checks out and lands on the order', async () => {
    const { page, errors } = await newTestPage(browser, 'shop-flow');
    await page.setViewportSize(PROJECTOR);
    await page.goto(`${stack.url}/`);
    await page.getByTestId('nav-shop').click();
    await page.waitForURL(`${stack.url}/shop`);
    const loads = countPageLoads(page);
    await expectVisible(page.getByTestId('cart-none'));
    await expectText(page.getByTestId('cart-every'), String(EVERY));

    const add = async (item: string, quantity: number) => {
      await page.getByTestId('add-item').selectOption({ label: item });
      await page.getByTestId('add-quantity').fill(String(quantity));
      await page.getByTestId('add-button').click();
      await expectText(page.getByTestId('shop-answer'), 'Added to the cart.');
    };
    await add('Table Legs', 2);
    await expectVisible(page.locator('[data-testid="cart-line-654321"][data-quantity="2"]'));
    await expectText(page.getByTestId('cart-run'), 'Run 1');
    await add('Keypad', 1);
    await add('Table Top', 1);
    await expectText(page.getByTestId('cart-this-run'), `3 of ${EVERY} this run`);
    // The fourth change: the cart continues as new, and the room sees it, content carried over.
    await page.getByTestId('remove-item').selectOption({ label: 'Table Legs' });
    await page.getByTestId('remove-quantity').fill('1');
    await page.getByTestId('remove-button').click();
    await expectText(page.getByTestId('cart-run'), 'Run 2');
    await expectText(page.getByTestId('cart-continued'), /run 1 ended after 4 changes; run 2 carries the cart on/);
    await expectVisible(page.locator('[data-testid="cart-line-654321"][data-quantity="1"]'));
    await expectVisible(page.locator('[data-testid="cart-line-654322"][data-quantity="1"]'));
    await expectVisible(page.locator('[data-testid="cart-line-654300"][data-quantity="1"]'));
    await expectText(page.getByTestId('cart-runs'), /Run 1 → 2 after 4 changes/);
    // The cart region and the forms fit a projector.
    await expectOnScreen(page, '[data-testid="checkout-button"]', 'the Checkout button');

    await page.getByTestId('checkout-button').click();
    const link = page.getByTestId('checkout-order-link');
    await expectVisible(link);
    const orderId = (await link.getAttribute('href'))!.replace('/orders/', '');
    await expectVisible(page.getByTestId('cart-empty'));
    await expectText(page.getByTestId('cart-last-checkout'), new RegExp(`order ${orderId}`));
    expect(loads()).toBe(0);

    await link.click();
    await page.waitForURL(`${stack.url}/orders/${orderId}`);
    await expectText(page.getByTestId('order-id'), orderId);
    const result = await stack.resultOf(orderId);
    expect(result.trackingId).toBeTruthy();
    expect(errors).toEqual([]);
  });
});
