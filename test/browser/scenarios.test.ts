/**
 * Every scenario start to finish in a real browser, clicked as a presenter would: home page, scenario
 * card, Place order, then the live order page until its ending. The console, the workers and the Temporal
 * server are all real; the orders run at a fast ORDER_DEMO_TIME_SCALE, the human wait at its 60 s.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_ADDRESS, ORDER_STATUS_VALUES, SIMULATED_BUG_MESSAGE, orderWorkflowId } from '../../src/temporal/contract.js';
import { ORDER_ITEMS } from '../../src/web/orders/steps.js';
import { launchChromium, openPage } from './support/chromium.js';
import { startBrowserStack } from './support/stack.js';
import type { BrowserStack } from './support/stack.js';
import { countPageLoads, expectShown, expectText, expectVisible, newTestPage, placeOrder, recordTexts, seenTexts, textOf } from './support/ui.js';

let stack: BrowserStack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startBrowserStack({ name: 'browser-scenarios', shipping: true, deployFix: true }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const SHIP_STEPS = ORDER_ITEMS.map((item) => `ShipOrder-${item.id}`);
const MAIN_STEPS = ['CheckFraud', 'PrepareShipment', 'ChargeCustomer', ...SHIP_STEPS];
/** The Temporal Web UI of the run's dev server, as npm start runs one next to its server. */
const UI = inject('temporalUiUrl');

/** Opens a console link in the real Temporal UI and waits until that workflow's page shows every text. */
async function expectTemporalUiShows(href: string, texts: string[]): Promise<void> {
  // Left open when it fails, for its screenshot; the browser closes it after the suite.
  const { page } = await openPage(browser, `temporal-ui-${texts[0] ?? ''}`);
  await page.goto(href);
  for (const text of texts) await expectVisible(page.getByText(text, { exact: true }), 60_000);
  await page.close();
}

describe('orders that complete', () => {
  it('HappyPath: live progress to a confirmation with the tracking id, then "Place another order", without a browser error', async () => {
    const { page, errors } = await newTestPage(browser, 'HappyPath');
    await recordTexts(page, ['progress-value']);
    const orderId = await placeOrder(page, stack.url, 'HappyPath');
    await expectText(page.getByTestId('order-id'), orderId);

    await expectVisible(page.locator('[data-testid="outcome"][data-outcome="completed"]'));
    const { trackingId, address } = await stack.resultOf(orderId);
    await expectText(page.getByTestId('tracking-id'), trackingId);
    expect(trackingId).toMatch(/^[0-9a-f-]{36}$/);
    await expectText(page.getByTestId('final-address'), address);
    expect(address).toBe(DEFAULT_ADDRESS);
    await expectText(page.getByTestId('progress-value'), '100%');
    for (const step of MAIN_STEPS) expect(await page.getByTestId(`step-${step}`).getAttribute('data-state'), step).toBe('completed');
    // The order's own run in the Temporal UI, straight to its history.
    const { runId } = await stack.workers.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
    const uiLink = await page.getByTestId('temporal-ui-link').getAttribute('href');
    expect(UI).toMatch(/^http:\/\/localhost:\d+$/);
    expect(uiLink).toBe(`${UI}/namespaces/default/workflows/order-${orderId}/${runId}/history`);
    await expectTemporalUiShows(uiLink!, [orderWorkflowId(orderId), runId]);
    // The bar moved while the audience watched, and never backwards.
    const progress = ((await seenTexts(page))['progress-value'] ?? []).map((text) => Number.parseInt(text, 10));
    expect(progress.at(-1)).toBe(100);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));

    await page.getByTestId('place-another').click();
    await page.waitForURL(`${stack.url}/`);
    await expectVisible(page.getByTestId('place-order-HappyPath'));
    expect(await page.getByTestId('order-id-input').inputValue()).not.toBe(orderId);
    expect(errors).toEqual([]);
  });

  it('AdvancedVisibility: the OrderStatus search attribute shown, changing step by step', async () => {
    const { page } = await newTestPage(browser, 'AdvancedVisibility');
    await recordTexts(page, ['order-status']);
    await placeOrder(page, stack.url, 'AdvancedVisibility');
    await expectVisible(page.locator('[data-testid="outcome"][data-outcome="completed"]'));
    await expectText(page.getByTestId('order-status'), ORDER_STATUS_VALUES.completed);
    const filtered = encodeURIComponent(`OrderStatus = "${ORDER_STATUS_VALUES.completed}"`);
    expect(await page.getByTestId('order-status-link').getAttribute('href')).toBe(`${UI}/namespaces/default/workflows?query=${filtered}`);
    const statuses = (await seenTexts(page))['order-status'] ?? [];
    const order: string[] = Object.values(ORDER_STATUS_VALUES);
    expect(statuses.length).toBeGreaterThan(1);
    expect(statuses.at(-1)).toBe(ORDER_STATUS_VALUES.completed);
    // Every value shown is one the workflow sets, in the workflow's order.
    expect(statuses.every((s) => order.includes(s))).toBe(true);
    expect(statuses).toEqual([...statuses].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
  });

  it('ChildWorkflow: each shipment shows its child workflow id', async () => {
    const { page } = await newTestPage(browser, 'ChildWorkflow');
    const orderId = await placeOrder(page, stack.url, 'ChildWorkflow');
    await expectVisible(page.locator('[data-testid="outcome"][data-outcome="completed"]'));
    for (const item of ORDER_ITEMS) {
      await expectText(page.getByTestId(`via-ShipOrder-${item.id}`), `shipment-${orderId}-${item.id}`);
      expect(await textOf(page.getByTestId(`step-ShipOrder-${item.id}`))).toContain('Child workflow');
      expect(await page.getByTestId(`via-ShipOrder-${item.id}`).getAttribute('href')).toBe(`${UI}/namespaces/default/workflows/shipment-${orderId}-${item.id}`);
    }
    const child = `shipment-${orderId}-${ORDER_ITEMS[0]!.id}`;
    await expectTemporalUiShows((await page.getByTestId(`via-ShipOrder-${ORDER_ITEMS[0]!.id}`).getAttribute('href'))!, [child, 'ShippingWorkflow']);
  });

  it('NexusOperation: completes, each shipment shown as a Nexus operation in the handler namespace', async () => {
    const { page } = await newTestPage(browser, 'NexusOperation');
    const orderId = await placeOrder(page, stack.url, 'NexusOperation');
    await expectVisible(page.locator('[data-testid="outcome"][data-outcome="completed"]'));
    const namespace = stack.workers.config.nexus.handler.namespace;
    for (const item of ORDER_ITEMS) {
      await expectText(page.getByTestId(`via-ShipOrder-${item.id}`), `shipment-${orderId}-${item.id}`);
      const step = await textOf(page.getByTestId(`step-ShipOrder-${item.id}`));
      expect(step).toContain(`Nexus ${stack.workers.config.nexus.endpoint}`);
      expect(step).toContain(`in ${namespace}`);
      // Its own namespace: the handler's, not the orders'.
      expect(await page.getByTestId(`via-ShipOrder-${item.id}`).getAttribute('href')).toBe(`${UI}/namespaces/${namespace}/workflows/shipment-${orderId}-${item.id}`);
    }
    const shipment = `shipment-${orderId}-${ORDER_ITEMS[0]!.id}`;
    await expectTemporalUiShows((await page.getByTestId(`via-ShipOrder-${ORDER_ITEMS[0]!.id}`).getAttribute('href'))!, [shipment, 'ShippingWorkflow']);
  });

  it('APIFailure: the attempt number and the last failure while ChargeCustomer retries, then the order completes', async () => {
    const { page } = await newTestPage(browser, 'APIFailure');
    await recordTexts(page, ['attempt-ChargeCustomer', 'failure-ChargeCustomer', 'step-state-ChargeCustomer']);
    await placeOrder(page, stack.url, 'APIFailure');
    await expectVisible(page.locator('[data-testid="outcome"][data-outcome="completed"]'));
    await expectText(page.getByTestId('attempt-ChargeCustomer'), 'attempt 5');
    const seen = await seenTexts(page);
    expect(seen['step-state-ChargeCustomer']).toContain('Retrying');
    expect(seen['failure-ChargeCustomer']?.some((text) => /^Last failure: .*API unavailable/.test(text))).toBe(true);
    const attempts = (seen['attempt-ChargeCustomer'] ?? []).map((text) => Number(/^attempt (\d+)$/.exec(text)?.[1]));
    // The number went up while the audience watched (how many of 2-5 show depends on the poll's timing).
    expect(attempts.length, `attempts seen: ${attempts.join(', ')}`).toBeGreaterThan(1);
    expect(attempts).toEqual([...attempts].sort((a, b) => a - b));
  });
});

describe('a person in the loop', () => {
  it('HumanInLoopSignal: the form with a countdown, a new address sent and acknowledged, the order ships there', async () => {
    const { page } = await newTestPage(browser, 'HumanInLoopSignal');
    await recordTexts(page, ['address-result']);
    const orderId = await placeOrder(page, stack.url, 'HumanInLoopSignal');
    await expectVisible(page.getByTestId('address-form'));
    // console.js counts down to the workflow's own deadline (60 s, not scaled).
    await expectText(page.getByTestId('countdown'), /^\s*\d+ s\s*$/);
    const left = Number.parseInt(await textOf(page.getByTestId('countdown')), 10);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(60);

    const loads = countPageLoads(page);
    await page.getByTestId('new-address-input').fill('7 Signal Way');
    await page.getByTestId('send-address').click();
    // The form's answer, until the stream shows the order moving on.
    await expectShown(page, 'address-result', 'Signal sent: the order will ship to 7 Signal Way.');
    expect(loads(), 'the form is sent in place (htmx), not by reloading the page').toBe(0);
    await expectVisible(page.locator('[data-testid="outcome"][data-outcome="completed"]'));
    await expectText(page.getByTestId('final-address'), '7 Signal Way');
    expect((await stack.resultOf(orderId)).address).toBe('7 Signal Way');
  });

  it('HumanInLoopUpdate: a rejected address keeps its value and shows the validator next to the field; an accepted one is answered', async () => {
    const { page } = await newTestPage(browser, 'HumanInLoopUpdate');
    await recordTexts(page, ['address-result']);
    const orderId = await placeOrder(page, stack.url, 'HumanInLoopUpdate');
    await expectVisible(page.getByTestId('address-form'));
    await expectText(page.getByTestId('countdown'), /^\s*\d+ s\s*$/);

    const loads = countPageLoads(page);
    await page.getByTestId('new-address-input').fill('Main St');
    await page.getByTestId('send-address').click();
    await expectText(page.getByTestId('address-error'), 'Address must start with a digit');
    expect(await page.getByTestId('new-address-input').inputValue()).toBe('Main St');
    expect(await page.getByTestId('address-form').getByTestId('address-error').count()).toBe(1);

    await page.getByTestId('new-address-input').fill('42 Elm St');
    await page.getByTestId('send-address').click();
    await expectShown(page, 'address-result', 'Updated address: 42 Elm St');
    expect(loads(), 'the form is sent in place (htmx), not by reloading the page').toBe(0);
    await expectVisible(page.locator('[data-testid="outcome"][data-outcome="completed"]'));
    await expectText(page.getByTestId('final-address'), '42 Elm St');
    expect((await stack.resultOf(orderId)).address).toBe('42 Elm St');
  });
});

describe('orders that fail or get stuck', () => {
  it('NonRecoverableFailure: the failure message and the compensations that ran, newest step first', async () => {
    const { page } = await newTestPage(browser, 'NonRecoverableFailure');
    await placeOrder(page, stack.url, 'NonRecoverableFailure');
    await expectVisible(page.locator('[data-testid="outcome"][data-outcome="failed"]'));
    await expectText(page.getByTestId('failure-message'), /InvalidCreditCard/);
    expect(await page.getByTestId('step-ChargeCustomer').getAttribute('data-state')).toBe('failed');
    const compensations = page.getByTestId('compensations').locator('li.step');
    expect(await compensations.evaluateAll((items) => items.map((li) => [li.getAttribute('data-testid'), li.getAttribute('data-state')]))).toEqual([
      ['step-UndoChargeCustomer', 'completed'],
      ['step-UndoPrepareShipment', 'completed'],
    ]);
    const summary = (await page.getByTestId('compensations-summary').locator('li').allTextContents()).map((t) => t.trim());
    expect(summary).toEqual(['Undo charge (refund): Done', 'Undo shipment preparation: Done']);
  });

  it('RecoverableFailure: the stuck banner, then Deploy fix, and the same order completes', async () => {
    const { page } = await newTestPage(browser, 'RecoverableFailure');
    // The acknowledgement can be on screen only briefly: the replayed order completes within a poll or two
    // and the stream replaces the panel that holds it.
    await recordTexts(page, ['deploy-fix-result']);
    const orderId = await placeOrder(page, stack.url, 'RecoverableFailure');
    await expectVisible(page.getByTestId('stuck-banner'));
    await expectText(page.getByTestId('stuck-message'), SIMULATED_BUG_MESSAGE);
    await expectText(page.getByTestId('progress-value'), '75%');
    expect(await page.getByTestId('order-phase').getAttribute('data-phase')).toBe('running');

    await page.getByTestId('deploy-fix').click();
    await expectShown(page, 'deploy-fix-result', /Fix deployed/);
    // The workflow task that failed is retried on the fixed code: the order carries on from 75 %.
    await expectVisible(page.locator('[data-testid="outcome"][data-outcome="completed"]'), 60_000);
    await expectText(page.getByTestId('final-address'), DEFAULT_ADDRESS);
    expect((await stack.resultOf(orderId)).address).toBe(DEFAULT_ADDRESS);
    expect(await stack.workflowCount(orderId)).toBe(1);
  });
});
