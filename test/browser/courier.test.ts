/**
 * Fulfilment with couriers in two browser windows at 1280×720, as the acceptance plays it: the
 * customer places the order and watches its page, a courier dispatches and delivers each item from the
 * Courier page; both pages follow live (no reload), and the order completes.
 */
import type { Browser, Page } from 'playwright-core';
import { orderWorkflowId } from '../../src/temporal/contract.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { startBrowserStack, type BrowserStack } from './support/stack.js';
import { countPageLoads, expectText, expectVisible, newTestPage } from './support/ui.js';

const ITEMS = [654300, 654321, 654322];

let stack: BrowserStack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startBrowserStack({ name: 'browser-courier' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

async function window(name: string): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await newTestPage(browser, name);
  await page.setViewportSize({ width: 1280, height: 720 });
  return { page, errors };
}

describe('Fulfilment with couriers', () => {
  it('a customer window and a courier window on one order: each item dispatched and delivered, the order completes', async () => {
    const customer = await window('courier-customer');
    await customer.page.goto(`${stack.url}/`);
    const orderId = await customer.page.getByTestId('order-id-input').inputValue();
    await customer.page.getByTestId('place-order-Fulfilment').click();
    await customer.page.waitForURL(`${stack.url}/orders/${orderId}`);
    const box = customer.page.getByTestId('fulfilment-box');
    await expectVisible(box.locator('[data-testid="amend"]'));
    const customerLoads = countPageLoads(customer.page);

    const courier = await window('courier-courier');
    await courier.page.goto(`${stack.url}/courier`);
    await expectText(courier.page.getByTestId('nav-courier'), 'Courier');
    const courierLoads = countPageLoads(courier.page);
    for (const id of ITEMS) {
      const row = courier.page.getByTestId(`shipment-${orderId}-${id}`);
      await expectText(row.getByTestId('shipment-status'), 'Waiting for a courier');
      await courier.page.getByTestId(`dispatch-${orderId}-${id}`).click();
      await expectText(courier.page.getByTestId('courier-answer'), /^Dispatched: /);
      await expectText(row.getByTestId('shipment-status'), 'On its way');
      // The customer's page follows: this shipment left, and amend and cancel closed with the first one.
      await customer.page.locator(`[data-testid="order-shipment-${id}"][data-status="dispatched"]`).waitFor();
      await expectVisible(customer.page.getByTestId('cancel-refused'));
      expect(await box.locator('[data-testid="amend"]').count()).toBe(0);
    }
    for (const id of ITEMS) {
      await courier.page.getByTestId(`deliver-${orderId}-${id}`).click();
      await expectText(courier.page.getByTestId('courier-answer'), /^Delivered: /);
    }
    // Delivered orders leave the board; the customer sees the confirmation.
    await courier.page.getByTestId(`courier-order-${orderId}`).waitFor({ state: 'detached' });
    await customer.page.locator('[data-testid="outcome"][data-outcome="completed"]').waitFor();
    expect((await stack.resultOf(orderId)).trackingId).toBeTruthy();
    expect([customerLoads(), courierLoads()]).toEqual([0, 0]);
    expect([...customer.errors, ...courier.errors]).toEqual([]);
  });

  it('the Courier page places the next fulfilment order itself, and lists its shipments once charged', async () => {
    const { page, errors } = await window('courier-place');
    await page.goto(`${stack.url}/courier`);
    const orderId = await page.getByTestId('courier-place').locator('input[name="orderId"]').inputValue();
    await page.getByTestId('courier-place-order').click();
    await page.waitForURL(`${stack.url}/orders/${orderId}`);
    await expectVisible(page.getByTestId('fulfilment-box'));
    await page.getByTestId('nav-courier').click();
    await expectText(page.getByTestId(`shipment-${orderId}-${ITEMS[0]}`).getByTestId('shipment-status'), 'Waiting for a courier');
    // Another order id is offered for the next one.
    expect(await page.getByTestId('courier-place').locator('input[name="orderId"]').inputValue()).not.toBe(orderId);
    await stack.workers.client.workflow.getHandle(orderWorkflowId(orderId)).terminate('test over');
    expect(errors).toEqual([]);
  });
});
