/**
 * What a presenter does and sees, for the browser suites: a page per test (closed when the test passes,
 * kept for its screenshot when it fails), placing an order from a scenario card, waiting for text with
 * Playwright's auto-waiting locators, and a record of every text a live element showed.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { onTestFinished } from 'vitest';
import type { Scenario } from '../../../src/temporal/contract.js';
import { openPage } from './chromium.js';

/** Generous: two shared cores run the browser, the console, the workers and the dev server. */
export const UI_TIMEOUT = 30_000;

export interface TestPage {
  page: Page;
  /** Page errors and console errors (CSP violations are logged as console errors). */
  errors: string[];
  /** Messages of alert/confirm/prompt dialogs the page opened (each dismissed). */
  dialogs: string[];
}

/**
 * openPage() plus dialog capture. A passing test closes its page (and its live stream); a failing one
 * leaves it open for openPage's screenshot, which runs after onTestFinished, and the browser closes it.
 */
export async function newTestPage(browser: Browser, name: string): Promise<TestPage> {
  const { page, errors } = await openPage(browser, name);
  page.setDefaultTimeout(UI_TIMEOUT);
  page.setDefaultNavigationTimeout(UI_TIMEOUT);
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss().catch(() => undefined);
  });
  onTestFinished(async ({ task }) => {
    if (task.result?.state === 'pass') await page.close().catch(() => undefined);
  });
  return { page, errors, dialogs };
}

/** Counts full page loads from now on: a form that htmx swaps in place must not reload the page. */
export function countPageLoads(page: Page): () => number {
  let loads = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) loads += 1;
  });
  return () => loads;
}

/** From the home page, the scenario card's Place order button; resolves on the order page with its OrderId. */
export async function placeOrder(page: Page, url: string, scenario: Scenario, options: { address?: string } = {}): Promise<string> {
  await page.goto(`${url}/`);
  if (options.address !== undefined) {
    // The order details fold away on the home page: open them as a presenter would, to type an address.
    await page.getByTestId('order-details').locator('summary').click();
    await page.getByTestId('address-input').fill(options.address);
  }
  const orderId = await page.getByTestId('order-id-input').inputValue();
  await page.getByTestId(`scenario-${scenario}`).getByTestId(`place-order-${scenario}`).click();
  await page.waitForURL(`${url}/orders/${orderId}`);
  return orderId;
}

/** Waits until the element shows `expected` (a string: exactly, spaces trimmed; a RegExp: anywhere in it). */
export async function expectText(locator: Locator, expected: string | RegExp, timeout = UI_TIMEOUT): Promise<void> {
  const matcher = typeof expected === 'string' ? new RegExp(`^\\s*${escapeRegExp(expected)}\\s*$`) : expected;
  try {
    await locator.filter({ hasText: matcher }).first().waitFor({ state: 'visible', timeout });
  } catch (err) {
    const shown = await locator.allTextContents().catch(() => []);
    throw new Error(`${String(locator)} never showed ${String(matcher)}; it shows ${JSON.stringify(shown.map(squash))}`, { cause: err });
  }
}

/** Waits until the element is on the page and visible. */
export async function expectVisible(locator: Locator, timeout = UI_TIMEOUT): Promise<void> {
  await locator.first().waitFor({ state: 'visible', timeout });
}

/** A projector's screen: what a presenter sees without scrolling. */
export const PROJECTOR = { width: 1280, height: 720 } as const;

/**
 * Waits until the first element matching `selector` lies wholly inside the viewport, unscrolled. The live
 * stream may replace the element at any moment (a new attempt number), so each try measures the element
 * there now and the scroll position in one read inside the page; two reads could straddle a swap.
 */
export async function expectOnScreen(page: Page, selector: string, what = selector, timeout = UI_TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: unknown = 'never on the page';
  for (;;) {
    const placed = await page
      .evaluate((css) => {
        const el = document.querySelector(css);
        if (!el) return null;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) return null;
        return { top: r.top, left: r.left, bottom: r.bottom, right: r.right, scrollY: window.scrollY, width: window.innerWidth, height: window.innerHeight };
      }, selector)
      .catch(() => null); // mid-navigation the page cannot answer: ask again
    if (placed) {
      last = placed;
      const inside = placed.scrollY === 0 && placed.top >= 0 && placed.left >= 0 && placed.bottom <= placed.height && placed.right <= placed.width;
      if (inside) return;
    }
    if (Date.now() > deadline) throw new Error(`${what} is not wholly on screen unscrolled: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * The top bar's parts (brand, nav links, room and display buttons) and how far apart their tops are: on one
 * row they differ by a few pixels (buttons and links are not the same height); a second row starts a whole
 * row lower.
 */
export async function topBarRows(page: Page): Promise<{ count: number; spread: number }> {
  return page.evaluate(() => {
    const parts = Array.from(document.querySelectorAll('.topbar .brand, .topbar nav a, .topbar .prefs .pref'));
    const tops = parts.map((el) => el.getBoundingClientRect().top);
    return { count: parts.length, spread: Math.max(...tops) - Math.min(...tops) };
  });
}

/** The element's text, spaces squashed. */
export async function textOf(locator: Locator): Promise<string> {
  return squash((await locator.first().textContent()) ?? '');
}

/**
 * Records, in the page itself, every distinct successive text of the elements with these testids, so a
 * state that lasts a fraction of a second (an attempt number, a status) is still seen by the test.
 * Call before navigating; read with seenTexts().
 */
export async function recordTexts(page: Page, testids: readonly string[]): Promise<void> {
  await page.addInitScript((ids: readonly string[]) => {
    const seen: Record<string, string[]> = {};
    (window as unknown as { __seenTexts: Record<string, string[]> }).__seenTexts = seen;
    const look = (): void => {
      for (const id of ids) {
        const el = document.querySelector(`[data-testid="${id}"]`);
        if (!el) continue;
        const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim();
        const list = (seen[id] ??= []);
        if (list[list.length - 1] !== text) list.push(text);
      }
    };
    new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true });
    document.addEventListener('DOMContentLoaded', look);
  }, testids);
}

export async function seenTexts(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(() => (window as unknown as { __seenTexts?: Record<string, string[]> }).__seenTexts ?? {});
}

/**
 * Waits until an element recorded by recordTexts() has shown `expected` (a string: exactly), however
 * briefly: e.g. the answer to an address, which the stream replaces as soon as the order moves on.
 */
export async function expectShown(page: Page, testid: string, expected: string | RegExp, timeout = UI_TIMEOUT): Promise<void> {
  const matches = (text: string) => (typeof expected === 'string' ? text === expected : expected.test(text));
  const deadline = Date.now() + timeout;
  let shown: string[] = [];
  for (;;) {
    // Mid-navigation the page cannot answer: ask again.
    shown = (await seenTexts(page).catch(() => ({}) as Record<string, string[]>))[testid] ?? shown;
    if (shown.some(matches)) return;
    if (Date.now() > deadline) throw new Error(`[data-testid="${testid}"] never showed ${String(expected)}; it showed ${JSON.stringify(shown)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Records, in the page, the live stream's life: how many times it opened and the type of each message it
 * swapped in (progress, panel). Call before navigating; read with streamLog().
 */
export async function recordStream(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const log = { opened: 0, messages: [] as string[] };
    (window as unknown as { __stream: typeof log }).__stream = log;
    document.addEventListener('htmx:sseOpen', () => (log.opened += 1));
    document.addEventListener('htmx:sseBeforeMessage', (e) => log.messages.push((e as CustomEvent<MessageEvent>).detail.type));
  });
}

export async function streamLog(page: Page): Promise<{ opened: number; messages: string[] }> {
  return page.evaluate(() => (window as unknown as { __stream?: { opened: number; messages: string[] } }).__stream ?? { opened: 0, messages: [] });
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Quotes as \x escapes too: playwright-core garbles a hasText RegExp whose source holds a quote. */
function escapeRegExp(text: string): string {
  return text
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/["']/g, (q) => `\\x${q.charCodeAt(0).toString(16)}`);
}
