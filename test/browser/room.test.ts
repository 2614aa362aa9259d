/**
 * The console shared with the room, in two real browsers (two contexts: two cookie jars): the presenter
 * signs in with the one-time link, shares the audience URL (QR code), and places an order; the audience,
 * never signed in, finds that order in its live list, watches it progress to the end, and has no form
 * anywhere; a post it forges from its own page is refused.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessions } from '../../src/web/room/sessions.js';
import { launchChromium } from './support/chromium.js';
import { startBrowserStack, type BrowserStack } from './support/stack.js';
import { PROJECTOR, expectText, expectVisible, newTestPage, placeOrder, topBarRows } from './support/ui.js';

const AUDIENCE_URL = 'http://demo-room.test:8080';
const sessions = createSessions({ secret: randomBytes(24).toString('base64url'), presenterToken: undefined });
let stack: BrowserStack;
let browser: Browser;

beforeAll(async () => {
  // Exposed as with WEB_PUBLIC_URL (the browsers still reach it on 127.0.0.1, one of the names it answers to).
  [stack, browser] = await Promise.all([
    startBrowserStack({ name: 'browser-room', timeScale: 1, env: { WEB_PUBLIC_URL: AUDIENCE_URL }, sessions }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

const forms = (page: Page) => page.locator('form').count();

describe('the console shared with the room', () => {
  it('the audience follows an order live with nothing to press; the signed-in presenter does everything', async () => {
    const presenter = await newTestPage(browser, 'room-presenter');
    const audience = await newTestPage(browser, 'room-audience');

    // The presenter opens the link from the terminal, confirms, and is signed in.
    await presenter.page.goto(`${stack.url}/presenter/sign-in?token=${sessions.issueSignInToken()}`);
    await presenter.page.getByTestId('sign-in-button').click();
    await presenter.page.waitForURL(`${stack.url}/`);
    await expectVisible(presenter.page.getByTestId('order-form'));
    expect(presenter.page.url()).not.toContain('token');

    // At a projector's width the bar keeps one row with the room's two buttons: brand, eight links, Share,
    // Sign out and the two display buttons (short labels); the audience's has its badge and Presenter?.
    await presenter.page.setViewportSize(PROJECTOR);
    expect(await topBarRows(presenter.page)).toEqual({ count: 13, spread: expect.any(Number) as number });
    expect((await topBarRows(presenter.page)).spread).toBeLessThan(20);
    await expect(presenter.page.getByTestId('toggle-theme').getAttribute('aria-label')).resolves.toMatch(/^(Dark|Light) theme$/);

    // Share with the room: the audience URL and its QR code, rendered by the server.
    await presenter.page.getByTestId('share-link').click();
    await expectText(presenter.page.getByTestId('audience-url'), AUDIENCE_URL);
    const qr = presenter.page.getByTestId('share-qr');
    await expectVisible(qr);
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    // The audience's home: the scenarios and the orders, no form, no key panel.
    await audience.page.goto(`${stack.url}/`);
    await expectVisible(audience.page.getByTestId('audience-home'));
    await expectVisible(audience.page.getByTestId('audience-badge'));
    expect(await forms(audience.page)).toBe(0);
    expect(await audience.page.locator('a[href="/api-key"]').count()).toBe(0);
    await audience.page.setViewportSize(PROJECTOR);
    const audienceBar = await topBarRows(audience.page);
    expect(audienceBar.count).toBe(12);
    expect(audienceBar.spread).toBeLessThan(20);

    // The presenter places an order; it shows up in the audience's live list, which the audience follows.
    const orderId = await placeOrder(presenter.page, stack.url, 'HappyPath');
    const row = audience.page.locator(`a[href="/orders/${orderId}"]`);
    await expectVisible(row);
    await row.click();
    await audience.page.waitForURL(`${stack.url}/orders/${orderId}`);
    const progress = () => audience.page.getByTestId('progress').getAttribute('value').then(Number);
    const first = await progress();
    expect(first).toBeLessThan(100);
    expect(await forms(audience.page)).toBe(0);
    await audience.page.waitForFunction((from) => Number(document.querySelector('[data-testid="progress"]')?.getAttribute('value')) > from, first);
    await audience.page.locator('[data-testid="outcome"][data-outcome="completed"]').waitFor();
    expect(await forms(audience.page)).toBe(0);
    expect(await audience.page.getByTestId('place-another').count()).toBe(0);

    expect(audience.errors).toEqual([]); // no CSP violation, no failed request until the forged one below
    // A post the audience's own page forges (its real Origin, its cookie jar) is refused.
    const forged = await audience.page.evaluate(async (id) => {
      const res = await fetch('/orders', { method: 'POST', body: new URLSearchParams({ scenario: 'HappyPath', orderId: id, address: '1 Main St' }) });
      return res.status;
    }, String(Number(orderId) + 1));
    expect(forged).toBe(403);
    expect(await stack.workflowCount(String(Number(orderId) + 1))).toBe(0);

    // The presenter's order page, meanwhile, is the full one.
    await expectVisible(presenter.page.locator('[data-testid="outcome"][data-outcome="completed"]'));
    await expectVisible(presenter.page.getByTestId('place-another'));
    expect(presenter.errors).toEqual([]);
  });
});
