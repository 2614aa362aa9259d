/**
 * "Show the code" as a presenter uses it at a projector's 1280×720: closed, it costs nothing; opened, the
 * workflow code and the event history sit side by side, follow the order live, stop refreshing once it has
 * ended, and the choice is remembered. RecoverableFailure's stuck order shows the line that throws.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderWorkflowId } from '../../src/temporal/contract.js';
import { launchChromium } from './support/chromium.js';
import { startBrowserStack } from './support/stack.js';
import type { BrowserStack } from './support/stack.js';
import { expectText, expectVisible, newTestPage, placeOrder } from './support/ui.js';

const PROJECTOR = { width: 1280, height: 720 };

let stack: BrowserStack;
let browser: Browser;
beforeAll(async () => {
  [stack, browser] = await Promise.all([startBrowserStack({ name: 'browser-code-view' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

/** Counts the requests the page sends to the code and history regions from now on. */
function countRegionRequests(page: Page): () => number {
  let count = 0;
  page.on('request', (request) => {
    if (/\/orders\/\d+\/(code|history)/.test(request.url())) count += 1;
  });
  return () => count;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Show the code (1280×720)', () => {
  it('loads nothing while closed; opened, shows the code beside a live history that stops once the order ends; remembered', async () => {
    const { page, errors } = await newTestPage(browser, 'code-view-happy');
    await page.setViewportSize(PROJECTOR);
    const requests = countRegionRequests(page);
    const orderId = await placeOrder(page, stack.url, 'HappyPath');
    await expectVisible(page.getByTestId('code-toggle'));
    await pause(1500);
    expect(requests()).toBe(0);

    await page.getByTestId('show-code').click();
    const code = page.getByTestId('code-view');
    const history = page.getByTestId('event-history');
    await expectVisible(page.getByTestId('code-caption'));
    await expectVisible(code.getByTestId('code-mark'));
    expect(await page.getByTestId('code-file-scenario').getAttribute('data-path')).toBe('src/workflows/happy-path.ts');
    expect(await page.getByTestId('code-file-flow').getAttribute('data-path')).toBe('src/workflows/order-flow.ts');

    // Opening scrolls the code into view: its toggle to the top half of the screen (not always to the very
    // top: the live regions above change height as the order moves on, and the page may not scroll further).
    // Code and history sit side by side, nothing sticks out sideways.
    const scrolledTo = () =>
      page.evaluate(() => {
        const top = document.querySelector('[data-testid="code-toggle"]')!.getBoundingClientRect().top;
        return window.scrollY > 0 && top >= -5 && top < window.innerHeight / 2;
      });
    await expect.poll(scrolledTo, { timeout: 5000 }).toBe(true);
    // Both boxes measured in one go: the scroll may still be moving, and two separate reads would differ by it.
    const [codeBox, historyBox] = await page.evaluate(() =>
      ['code-view', 'event-history'].map((id) => {
        const r = document.querySelector(`[data-testid="${id}"]`)!.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      }),
    );
    expect(codeBox!.y + 200).toBeLessThan(PROJECTOR.height);
    expect(Math.abs(codeBox!.y - historyBox!.y)).toBeLessThan(5);
    expect(codeBox!.x + codeBox!.width).toBeLessThanOrEqual(historyBox!.x);
    expect(historyBox!.x + historyBox!.width).toBeLessThanOrEqual(PROJECTOR.width);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PROJECTOR.width);

    // Live: the history grows as the order runs, and the code follows it to the end.
    await expectText(history.locator('tr[data-type="ActivityTaskCompleted"]').filter({ hasText: 'CheckFraud' }), /CheckFraud/);
    await expectVisible(page.locator('[data-testid="outcome"][data-outcome="completed"]'), 60_000);
    await expectVisible(history.locator('tr[data-type="WorkflowExecutionCompleted"]'));
    await expectVisible(page.locator('[data-testid="code-view"][data-focus="completed"]'));
    await expectText(code.getByTestId('code-mark'), /return \{ trackingId/);
    // Ended: both regions have stopped refreshing.
    await pause(300);
    const settled = requests();
    await pause(2500);
    expect(requests()).toBe(settled);
    expect(await code.getAttribute('hx-trigger')).toBeNull();
    expect(await history.getAttribute('hx-trigger')).toBeNull();

    // Remembered: a reload opens it again, and the regions load by themselves.
    await page.reload();
    expect(await page.getByTestId('code-toggle').evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true);
    await expectVisible(history.locator('tr[data-type="WorkflowExecutionCompleted"]'));
    await page.getByTestId('show-code').click();
    await page.reload();
    expect(await page.getByTestId('code-toggle').evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
    expect((await stack.resultOf(orderId)).trackingId).toBeTruthy();
    expect(errors).toEqual([]);
  });

  it('shows RecoverableFailure\'s throwing line while the order is stuck, and the failed task in the history', async () => {
    const { page, errors } = await newTestPage(browser, 'code-view-stuck');
    await page.setViewportSize(PROJECTOR);
    const orderId = await placeOrder(page, stack.url, 'RecoverableFailure');
    try {
      await page.getByTestId('show-code').click();
      await expectVisible(page.locator('[data-testid="code-view"][data-focus="bug"]'));
      const marked = page.getByTestId('code-file-scenario').getByTestId('code-mark');
      // The line's number is part of its text: match the code alone, on the one marked line.
      await expectText(marked, /^\s*\d+\s+throw new Error\(SIMULATED_BUG_MESSAGE\);\s*$/);
      expect(await marked.count()).toBe(1);
      await expectVisible(page.getByTestId('event-history').locator('tr[data-type="WorkflowTaskFailed"]'));
      // Opening the code starts a smooth scroll that may still be moving: scroll to the line until it stays on screen.
      const onScreen = async () => {
        await marked.scrollIntoViewIfNeeded();
        const box = await marked.boundingBox();
        return box !== null && box.y >= 0 && box.y + box.height <= PROJECTOR.height;
      };
      await expect.poll(onScreen, { timeout: 5000 }).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await stack.workers.client.workflow.getHandle(orderWorkflowId(orderId)).terminate('test over');
    }
  });
});
