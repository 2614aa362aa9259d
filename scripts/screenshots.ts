/**
 * `npm run screenshots`: every scenario's order page at 1280×720 (a projector), light and dark, at the moment
 * the room should look at it (the address form, the stuck banner, the outcome), into screenshots/ (ignored).
 * Runs the whole demo on free ports with state in memory, at a quick pace; nothing of yours is touched.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { SCENARIOS, type Scenario } from '../src/temporal/contract.js';
import { ROOT } from './lib/stack.js';
import { startLocalStack } from './lib/local-stack.js';

const OUT = path.join(ROOT, 'screenshots');
const VIEWPORT = { width: 1280, height: 720 };
/** What each scenario's page should show when it is photographed. */
const MOMENT: Partial<Record<Scenario, string>> = {
  HumanInLoopSignal: '[data-testid="address-form"]',
  HumanInLoopUpdate: '[data-testid="address-form"]',
  RecoverableFailure: '[data-testid="stuck-banner"]',
};
const ENDED = '[data-testid="outcome"]';

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const say = (line: string): void => console.log(`[screenshots] ${line}`);
  say('Starting a demo of its own on free ports...');
  const local = await startLocalStack({ env: { ORDER_DEMO_TIME_SCALE: '0.2', LOG_LEVEL: 'warn' }, say });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    page.setDefaultTimeout(90_000);
    await shoot(page, local.stack.consoleUrl, 'home', say);
    for (const scenario of SCENARIOS) {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`${local.stack.consoleUrl}/`);
      await page.getByTestId(`place-order-${scenario}`).click();
      await page.waitForURL(/\/orders\/\d+$/);
      await page.locator(MOMENT[scenario] ?? ENDED).first().waitFor({ state: 'visible' });
      await shoot(page, undefined, scenario, say);
    }
  } finally {
    await browser.close();
    await local.stop();
  }
  say(`Done: ${path.relative(process.cwd(), OUT)}/`);
}

/** One light and one dark picture of the page as it is now (or of `url`, opened first). */
async function shoot(page: Page, url: string | undefined, name: string, say: (line: string) => void): Promise<void> {
  if (url) await page.goto(url);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Let the transitions settle, so the picture shows what the room sees.
    await page.waitForTimeout(400);
    const file = path.join(OUT, `${name}-${scheme}.png`);
    await page.screenshot({ path: file });
    say(`${path.relative(process.cwd(), file)}`);
  }
}

main().catch((err: unknown) => {
  console.error('[screenshots] failed:', err);
  process.exit(1);
});
