import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One real Temporal dev server for the whole run, on free ports (never the presenter's demo).
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    // Two cores: integration suites run workers and browsers of their own.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
