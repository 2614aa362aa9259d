/** Config for a suite: the run's own dev server, plus per-suite overrides (task queue, ports...). */
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_UI_URL: inject('temporalUiUrl') || undefined,
    LOG_LEVEL: 'warn',
    // The existing suites run today's unversioned worker; versioning.test.ts turns it on for itself.
    ORDER_DEMO_VERSIONING: 'false',
    ...overrides,
  });
}

/** A task queue no other suite uses, so suites that kill or redeploy workers stay independent. */
export function uniqueTaskQueue(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
}
