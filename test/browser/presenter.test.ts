/**
 * What a presenter's hands and a hostile audience do to the console in a real browser: refresh during
 * an order, double-click Place order, go back after placing one, type markup or a novel into the address.
 * Each must leave exactly one workflow per order, no error page, and text shown as text.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderWorkflowId } from '../../src/temporal/contract.js';
import { MAX_ADDRESS_LENGTH } from '../../src/web/validate.js';
import { eventually } from '../support/capture.js';
import { metricValue } from '../integration/web-support.js';
import { launchChromium } from './support/chromium.js';
import { startBrowserStack } from './support/stack.js';
import type { BrowserStack } from './support/stack.js';
import { expectShown, expectText, expectVisible, newTestPage, placeOrder, recordStream, recordTexts, streamLog } from './support/ui.js';

let stack: BrowserStack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startBrowserStack({ name: 'browser-presenter' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const completed = '[data-testid="outcome"][data-outcome="completed"]';

describe('a presenter in a hurry', () => {
  it('refresh during an order: the page picks the live order up again, and still only one workflow runs', async () => {
    const { page, errors } = await newTestPage(browser, 'refresh');
    await recordTexts(page, ['address-result']);
    await recordStream(page);
    const orderId = await placeOrder(page, stack.url, 'HumanInLoopSignal');
    await expectVisible(page.getByTestId('progress'));
    await page.reload();
    // The order waits for a person (60 s): still running, still live after the reload.
    await expectVisible(page.getByTestId('address-form'));
    const describes = () => metricValue(stack.web.metrics, 'temporal_calls_total', { method: 'describeWorkflow' });
    const described = await describes();
    await page.reload();
    await expectVisible(page.getByTestId('address-form'));
    expect(await page.getByTestId('order-phase').getAttribute('data-phase')).toBe('running');

    // The presenter types at once, while the stream connects: what it sends first must not replace the
    // form (and the address typed) with a copy of what the page already shows. The reload's stream starts
    // a new follower, which describes the order twice (before and after its first history page) and then
    // publishes what it read; the page must not get it again.
    await page.getByTestId('new-address-input').fill('5 Reload Rd');
    await eventually('the stream to open', async () => (await streamLog(page)).opened > 0, 10_000);
    await eventually('the follower\'s first reads', async () => (await describes()) >= described + 2, 10_000);
    expect((await streamLog(page)).messages).not.toContain('panel');
    expect(await page.getByTestId('new-address-input').inputValue()).toBe('5 Reload Rd');
    await page.getByTestId('send-address').click();
    await expectShown(page, 'address-result', 'Signal sent: the order will ship to 5 Reload Rd.');
    await expectVisible(page.locator(completed));
    await expectText(page.getByTestId('final-address'), '5 Reload Rd');
    expect(await stack.workflowCount(orderId)).toBe(1);
    expect(errors).toEqual([]);
  });

  it('double click on Place order: one order page, no error page, exactly one workflow', async () => {
    const { page, errors } = await newTestPage(browser, 'double-click');
    await page.goto(`${stack.url}/`);
    const orderId = await page.getByTestId('order-id-input').inputValue();
    const startedBefore = await metricValue(stack.web.metrics, 'orders_started_total', { scenario: 'HappyPath' });
    // A person's double click: the second click lands while the first one's POST is at the console. The
    // first answer is held back until the second POST is on its way, so both reach the console every time.
    const answers: number[] = [];
    let firstAnswered!: () => void;
    const first = new Promise<void>((resolve) => (firstAnswered = resolve));
    let secondSent!: () => void;
    const second = new Promise<void>((resolve) => (secondSent = resolve));
    await page.route(`${stack.url}/orders`, async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      answers.push(0);
      if (answers.length > 1) {
        secondSent();
        return route.continue();
      }
      const response = await route.fetch({ maxRedirects: 0 });
      answers[0] = response.status();
      firstAnswered();
      await second;
      // The browser dropped this navigation for the second click's: nothing to answer any more.
      await route.fulfill({ response }).catch(() => undefined);
    });
    // The mouse, not locator.click(): that one waits for the navigation the first click started.
    const box = await page.getByTestId('place-order-HappyPath').boundingBox();
    if (!box) throw new Error('The Place order button has no box');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await first;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    // Not waitForURL(): it may report the first, abandoned navigation (ERR_ABORTED) instead.
    await expectText(page.getByTestId('order-id'), orderId);
    expect(page.url()).toBe(`${stack.url}/orders/${orderId}`);
    expect(answers).toEqual([303, 0]);

    await expectVisible(page.locator(completed));
    expect(await page.getByTestId('error-page').count()).toBe(0);
    await expectText(page.getByTestId('order-id'), orderId);
    await stack.resultOf(orderId);
    expect(await stack.workflowCount(orderId)).toBe(1);
    expect(await metricValue(stack.web.metrics, 'orders_started_total', { scenario: 'HappyPath' })).toBe(startedBefore + 1);
    expect(errors).toEqual([]);
  });

  it('back button after placing: the stream ends, forward picks the order up again, back offers a fresh order id', async () => {
    const { page, errors } = await newTestPage(browser, 'back-button');
    await recordTexts(page, ['address-result']);
    const first = await placeOrder(page, stack.url, 'HumanInLoopUpdate');
    await expectVisible(page.getByTestId('address-form'));
    await eventually('the order page to stream', async () => (await metricValue(stack.web.metrics, 'sse_viewers')) > 0, 10_000);

    await page.goBack();
    await page.waitForURL(`${stack.url}/`);
    await expectVisible(page.getByTestId('place-order-HappyPath'));
    // Leaving the page ends its stream: nothing keeps polling for a page nobody watches.
    await eventually('the stream to end', async () => (await metricValue(stack.web.metrics, 'sse_viewers')) === 0, 10_000);
    expect(await page.getByTestId('order-id-input').inputValue()).not.toBe(first);

    await page.goForward();
    await page.waitForURL(`${stack.url}/orders/${first}`);
    await expectVisible(page.getByTestId('address-form'));
    await page.getByTestId('new-address-input').fill('9 Forward St');
    await page.getByTestId('send-address').click();
    await expectShown(page, 'address-result', 'Updated address: 9 Forward St');
    await expectVisible(page.locator(completed));
    await expectText(page.getByTestId('final-address'), '9 Forward St');

    // Back again: the home page is not replayed from a cache, so its order id is a new one.
    await page.goBack();
    await page.waitForURL(`${stack.url}/`);
    const second = await page.getByTestId('order-id-input').inputValue();
    expect(second).not.toBe(first);
    await page.getByTestId('place-order-HappyPath').click();
    await page.waitForURL(`${stack.url}/orders/${second}`);
    await expectVisible(page.locator(completed));
    expect(await stack.workflowCount(first)).toBe(1);
    expect(await stack.workflowCount(second)).toBe(1);
    expect(errors).toEqual([]);
  });
});

describe('hostile input', () => {
  const HOSTILE = `<script>alert(1)</script>"'`;

  it('markup in the address is shown as text, never run', async () => {
    const { page, errors, dialogs } = await newTestPage(browser, 'hostile-address');
    const orderId = await placeOrder(page, stack.url, 'HappyPath', { address: HOSTILE });
    await expectVisible(page.locator(completed));
    await expectText(page.getByTestId('final-address'), HOSTILE);
    expect((await stack.resultOf(orderId)).address).toBe(HOSTILE);
    expect(await page.locator('main script').count()).toBe(0);
    // And again on a fresh load of the finished order (rendered by the page, not the stream).
    await page.reload();
    await expectText(page.getByTestId('final-address'), HOSTILE);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('markup sent as a new address comes back in the field as typed, with the validator message', async () => {
    const { page, dialogs } = await newTestPage(browser, 'hostile-new-address');
    await recordTexts(page, ['address-result']);
    await placeOrder(page, stack.url, 'HumanInLoopUpdate');
    await expectVisible(page.getByTestId('address-form'));
    await page.getByTestId('new-address-input').fill(HOSTILE);
    await page.getByTestId('send-address').click();
    await expectText(page.getByTestId('address-error'), 'Address must start with a digit');
    expect(await page.getByTestId('new-address-input').inputValue()).toBe(HOSTILE);
    await page.getByTestId('new-address-input').fill(`1 ${HOSTILE}`);
    await page.getByTestId('send-address').click();
    await expectShown(page, 'address-result', `Updated address: 1 ${HOSTILE}`);
    await expectVisible(page.locator(completed));
    await expectText(page.getByTestId('final-address'), `1 ${HOSTILE}`);
    expect(dialogs).toEqual([]);
  });

  it('a too-long address: the field stops at the limit, and the server rejects one sent around it, next to the field', async () => {
    const { page } = await newTestPage(browser, 'too-long-address');
    await page.goto(`${stack.url}/`);
    const orderId = await page.getByTestId('order-id-input').inputValue();
    // The order details fold away on the home page: the presenter opens them to type an address.
    await page.getByTestId('order-details').locator('summary').click();
    const input = page.getByTestId('address-input');
    const long = `1 ${'Long Street '.repeat(30)}`;
    await input.fill(long);
    expect((await input.inputValue()).length).toBeLessThanOrEqual(MAX_ADDRESS_LENGTH);

    // A browser that ignores maxlength (or a hand-made request): the console says why, keeps the text.
    await input.evaluate((el) => el.removeAttribute('maxlength'));
    await input.fill(long);
    await page.getByTestId('place-order-HappyPath').click();
    await expectText(page.getByTestId('address-error'), `Keep the address to ${MAX_ADDRESS_LENGTH} characters or fewer.`);
    expect(await page.getByTestId('address-input').inputValue()).toBe(long);
    expect(await page.getByTestId('address-input').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('order-id-input').inputValue()).toBe(orderId);
    const { count } = await stack.workers.client.workflow.count(`WorkflowId = "${orderWorkflowId(orderId)}"`);
    expect(count).toBe(0);
  });
});
