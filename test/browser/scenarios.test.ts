/**
 * Every scenario start to finish in a real browser, clicked as a presenter would: home page, scenario
 * card, Place order, then the live order page until its ending. The console, the workers and the Temporal
 * server are all real; the orders run at a fast ORDER_DEMO_TIME_SCALE, the human wait at its 60 s.
 *
 * On a 1280×720 projector: whatever the presenter must act on or the room must see (the address form, the
 * stuck banner and its button, the outcome and the compensations) is inside the viewport when it appears,
 * without anyone scrolling; and every order links to its own run in the real Temporal UI.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_ADDRESS, ORDER_STATUS_VALUES, SIMULATED_BUG_MESSAGE, orderWorkflowId } from '../../src/temporal/contract.js';
import { ORDER_ITEMS } from '../../src/web/orders/steps.js';
import { SCENARIO_CARDS } from '../../src/web/scenarios.js';
import { launchChromium, openPage } from './support/chromium.js';
import { startBrowserStack } from './support/stack.js';
import type { BrowserStack } from './support/stack.js';
import { PROJECTOR, UI_TIMEOUT, countPageLoads, expectOnScreen, expectShown, expectText, expectVisible, newTestPage, placeOrder, recordTexts, seenTexts, textOf } from './support/ui.js';

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

/** A test's page at projector size. */
async function presenterPage(name: string): Promise<Awaited<ReturnType<typeof newTestPage>>> {
  const test = await newTestPage(browser, name);
  await test.page.setViewportSize(PROJECTOR);
  return test;
}

/** The ending, on screen when it appears, with its "What just happened" line. */
async function expectOutcome(page: Page, scenario: string, outcome: 'completed' | 'failed'): Promise<void> {
  await expectOnScreen(page, `[data-testid="outcome"][data-outcome="${outcome}"]`, `the ${scenario} outcome`);
  const happened = SCENARIO_CARDS.find((card) => card.name === scenario)?.happened ?? '';
  await expectText(page.getByTestId('what-happened'), `What just happened. ${happened}`);
}

/** The order's "Open in Temporal UI" link, to this very run's history in the run's Temporal UI. */
async function expectTemporalUiLink(page: Page, orderId: string): Promise<string> {
  const { runId } = await stack.workers.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
  const href = await page.getByTestId('temporal-ui-link').getAttribute('href');
  expect(href).toBe(`${UI}/namespaces/default/workflows/order-${orderId}/${runId}/history`);
  return href!;
}

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
    const { page, errors } = await presenterPage('HappyPath');
    await recordTexts(page, ['progress-value']);
    const orderId = await placeOrder(page, stack.url, 'HappyPath');
    await expectText(page.getByTestId('order-id'), orderId);

    await expectOutcome(page, 'HappyPath', 'completed');
    const { trackingId, address } = await stack.resultOf(orderId);
    await expectText(page.getByTestId('tracking-id'), trackingId);
    expect(trackingId).toMatch(/^[0-9a-f-]{36}$/);
    await expectText(page.getByTestId('final-address'), address);
    expect(address).toBe(DEFAULT_ADDRESS);
    await expectText(page.getByTestId('progress-value'), '100%');
    for (const step of MAIN_STEPS) expect(await page.getByTestId(`step-${step}`).getAttribute('data-state'), step).toBe('completed');
    // The order's own run in the Temporal UI, straight to its history.
    expect(UI).toMatch(/^http:\/\/localhost:\d+$/);
    const uiLink = await expectTemporalUiLink(page, orderId);
    const { runId } = await stack.workers.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
    await expectTemporalUiShows(uiLink, [orderWorkflowId(orderId), runId]);
    expect(await page.getByTestId('order-phase').textContent()).toBe('Completed');
    expect(await page.getByTestId('progress').getAttribute('data-tone')).toBe('ok');
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
    const { page } = await presenterPage('AdvancedVisibility');
    await recordTexts(page, ['order-status']);
    const orderId = await placeOrder(page, stack.url, 'AdvancedVisibility');
    await expectOutcome(page, 'AdvancedVisibility', 'completed');
    await expectTemporalUiLink(page, orderId);
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
    const { page } = await presenterPage('ChildWorkflow');
    const orderId = await placeOrder(page, stack.url, 'ChildWorkflow');
    await expectOutcome(page, 'ChildWorkflow', 'completed');
    await expectTemporalUiLink(page, orderId);
    for (const item of ORDER_ITEMS) {
      await expectText(page.getByTestId(`via-ShipOrder-${item.id}`), `shipment-${orderId}-${item.id}`);
      expect(await textOf(page.getByTestId(`step-ShipOrder-${item.id}`))).toContain('Child workflow');
      expect(await page.getByTestId(`via-ShipOrder-${item.id}`).getAttribute('href')).toBe(`${UI}/namespaces/default/workflows/shipment-${orderId}-${item.id}`);
    }
    const child = `shipment-${orderId}-${ORDER_ITEMS[0]!.id}`;
    await expectTemporalUiShows((await page.getByTestId(`via-ShipOrder-${ORDER_ITEMS[0]!.id}`).getAttribute('href'))!, [child, 'ShippingWorkflow']);
  });

  it('NexusOperation: completes, each shipment shown as a Nexus operation in the handler namespace', async () => {
    const { page } = await presenterPage('NexusOperation');
    const orderId = await placeOrder(page, stack.url, 'NexusOperation');
    await expectOutcome(page, 'NexusOperation', 'completed');
    await expectTemporalUiLink(page, orderId);
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

  it('APIFailure: the attempt number, the last failure and the wait for the next attempt while ChargeCustomer retries, then the order completes', async () => {
    const { page } = await presenterPage('APIFailure');
    await recordTexts(page, ['attempt-ChargeCustomer', 'failure-ChargeCustomer', 'step-state-ChargeCustomer', 'order-phase', 'next-attempt-ChargeCustomer']);
    const orderId = await placeOrder(page, stack.url, 'APIFailure');
    await expectOutcome(page, 'APIFailure', 'completed');
    await expectTemporalUiLink(page, orderId);
    await expectText(page.getByTestId('attempt-ChargeCustomer'), 'attempt 5');
    const seen = await seenTexts(page);
    expect(seen['step-state-ChargeCustomer']).toContain('Retrying');
    expect(seen['order-phase']).toContain('Retrying');
    expect(seen['failure-ChargeCustomer']?.some((text) => /^Last failure: .*API unavailable/.test(text))).toBe(true);
    // Between attempts the step counts down to the server's schedule of the next one (the backoff grows to 1.6 s here).
    expect(seen['next-attempt-ChargeCustomer']?.length, 'a wait for the next attempt was shown').toBeGreaterThan(0);
    expect(seen['next-attempt-ChargeCustomer']?.every((text) => /^next attempt (in \d+ s|any moment now)$/.test(text))).toBe(true);
    const attempts = (seen['attempt-ChargeCustomer'] ?? []).map((text) => Number(/^attempt (\d+)$/.exec(text)?.[1]));
    // The number went up while the audience watched (how many of 2-5 show depends on the poll's timing).
    expect(attempts.length, `attempts seen: ${attempts.join(', ')}`).toBeGreaterThan(1);
    expect(attempts).toEqual([...attempts].sort((a, b) => a - b));
  });
});

describe('a person in the loop', () => {
  it('HumanInLoopSignal: the form with a countdown, a new address sent and acknowledged, the order ships there', async () => {
    const { page } = await presenterPage('HumanInLoopSignal');
    await recordTexts(page, ['address-result']);
    const orderId = await placeOrder(page, stack.url, 'HumanInLoopSignal');
    await expectOnScreen(page, '[data-testid="address-box"]', 'the address form and its countdown');
    await expectText(page.getByTestId('order-phase'), 'Waiting for you');
    await expectTemporalUiLink(page, orderId);
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
    await expectOutcome(page, 'HumanInLoopSignal', 'completed');
    await expectText(page.getByTestId('final-address'), '7 Signal Way');
    expect((await stack.resultOf(orderId)).address).toBe('7 Signal Way');
  });

  it('HumanInLoopUpdate: a rejected address keeps its value and shows the validator next to the field; an accepted one is answered', async () => {
    const { page } = await presenterPage('HumanInLoopUpdate');
    await recordTexts(page, ['address-result']);
    const orderId = await placeOrder(page, stack.url, 'HumanInLoopUpdate');
    await expectOnScreen(page, '[data-testid="address-box"]', 'the address form and its countdown');
    await expectText(page.getByTestId('order-phase'), 'Waiting for you');
    await expectTemporalUiLink(page, orderId);
    await expectText(page.getByTestId('countdown'), /^\s*\d+ s\s*$/);

    const loads = countPageLoads(page);
    await page.getByTestId('new-address-input').fill('Main St');
    await page.getByTestId('send-address').click();
    await expectText(page.getByTestId('address-error'), 'Address must start with a digit');
    // Said to be the workflow's own validator, not this form's check.
    await expectText(page.getByTestId('address-rejected-by'), "The workflow's update validator rejected this address:");
    await expectOnScreen(page, '[data-testid="address-error"]', "the validator's answer");
    expect(await page.getByTestId('new-address-input').inputValue()).toBe('Main St');
    expect(await page.getByTestId('address-form').getByTestId('address-error').count()).toBe(1);

    await page.getByTestId('new-address-input').fill('42 Elm St');
    await page.getByTestId('send-address').click();
    await expectShown(page, 'address-result', 'Updated address: 42 Elm St');
    expect(loads(), 'the form is sent in place (htmx), not by reloading the page').toBe(0);
    await expectOutcome(page, 'HumanInLoopUpdate', 'completed');
    await expectText(page.getByTestId('final-address'), '42 Elm St');
    expect((await stack.resultOf(orderId)).address).toBe('42 Elm St');
  });
});

describe('orders that fail or get stuck', () => {
  it('NonRecoverableFailure: what failed in plain words, a red outcome, and the undo steps that ran, newest step first', async () => {
    const { page } = await presenterPage('NonRecoverableFailure');
    const orderId = await placeOrder(page, stack.url, 'NonRecoverableFailure');
    await expectOutcome(page, 'NonRecoverableFailure', 'failed');
    await expectOnScreen(page, '[data-testid="compensations-summary"]', 'the compensations');
    await expectTemporalUiLink(page, orderId);
    await expectText(page.getByTestId('failure-message'), /^\s*Charge customer failed: .*declined\s+InvalidCreditCard\s*$/);
    await expectText(page.getByTestId('failure-why'), /non-retryable, so Temporal did not try again/);
    expect(await page.getByTestId('order-phase').textContent()).toBe('Failed');
    expect(await page.getByTestId('progress').getAttribute('data-tone')).toBe('danger');
    expect(await page.getByTestId('step-ChargeCustomer').getAttribute('data-state')).toBe('failed');
    const compensations = page.getByTestId('compensations').locator('li.step');
    expect(await compensations.evaluateAll((items) => items.map((li) => [li.getAttribute('data-testid'), li.getAttribute('data-state')]))).toEqual([
      ['step-UndoChargeCustomer', 'completed'],
      ['step-UndoPrepareShipment', 'completed'],
    ]);
    const summary = (await page.getByTestId('compensations-summary').locator('li').allTextContents()).map((t) => t.trim());
    expect(summary).toEqual(['Undo charge (refund): Undone', 'Undo shipment preparation: Undone']);
    expect(await textOf(page.getByTestId('step-state-UndoChargeCustomer'))).toBe('Undone');
    // Undo steps are not painted as progress: no green "Done" icon.
    const icon = (id: string) => page.getByTestId(id).locator('.step-icon').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await icon('step-UndoChargeCustomer')).not.toBe(await icon('step-CheckFraud'));
  });

  it('RecoverableFailure: the stuck banner, then Deploy fix, and the same order completes', async () => {
    const { page } = await presenterPage('RecoverableFailure');
    // The acknowledgement can be on screen only briefly: the replayed order completes within a poll or two
    // and the stream replaces the panel that holds it.
    await recordTexts(page, ['deploy-fix-result']);
    const orderId = await placeOrder(page, stack.url, 'RecoverableFailure');
    await expectOnScreen(page, '[data-testid="stuck-banner"]', 'the stuck banner');
    await expectOnScreen(page, '[data-testid="deploy-fix"]', 'Deploy fix');
    await expectText(page.getByTestId('order-phase'), 'Stuck: bug in the code');
    await expectTemporalUiLink(page, orderId);
    await expectText(page.getByTestId('stuck-message'), SIMULATED_BUG_MESSAGE);
    await expectText(page.getByTestId('progress-value'), '75%');
    expect(await page.getByTestId('order-phase').getAttribute('data-phase')).toBe('running');

    await page.getByTestId('deploy-fix').click();
    await expectShown(page, 'deploy-fix-result', /Fix deployed/);
    // The workflow task that failed is retried on the fixed code: the order carries on from 75 %.
    await expectVisible(page.locator('[data-testid="outcome"][data-outcome="completed"]'), 60_000);
    await expectOutcome(page, 'RecoverableFailure', 'completed');
    await expectText(page.getByTestId('final-address'), DEFAULT_ADDRESS);
    expect((await stack.resultOf(orderId)).address).toBe(DEFAULT_ADDRESS);
    expect(await stack.workflowCount(orderId)).toBe(1);
  });
});

describe('Recent orders', () => {
  it('refreshes itself while open, with its filter: a new order appears and its status moves on, without a reload', async () => {
    const { page, errors } = await presenterPage('recent-orders');
    await page.goto(`${stack.url}/orders?scenario=HappyPath`);
    const loads = countPageLoads(page);
    // Started elsewhere (another presenter, the CLI): only the list's own refresh can show it here.
    const handle = await stack.workers.startOrder('HappyPath');
    const other = await stack.workers.startOrder('ChildWorkflow');
    const row = page.getByTestId(`order-row-${handle.workflowId}`);
    await expectVisible(row);
    await handle.result();
    await expectText(page.getByTestId(`status-${handle.workflowId}`), 'Completed');
    expect(await page.getByTestId(`order-row-${other.workflowId}`).count(), 'the filter is kept').toBe(0);
    expect(loads(), 'refreshed in place, not by reloading the page').toBe(0);
    expect(errors).toEqual([]);
    await other.result();
  });
});
