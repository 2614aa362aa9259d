/**
 * Starts one real Temporal dev server for the whole test run, on free ports and with in-memory state,
 * provisions it like `npm start` does, and hands its address to the suites through vitest's provide/inject.
 */
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config.js';
import { ensureCli } from '../../src/temporal/cli.js';
import type { DevServer } from '../../src/temporal/devserver.js';
import { startProvisionedDevServer } from '../../src/temporal/provision.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalUiUrl: string;
    temporalCliPath: string;
  }
}

let server: DevServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const root = path.resolve(import.meta.dirname, '..', '..');
  // The test run must not inherit a presenter's server settings: it always uses its own server.
  const config = loadConfig({});
  const cli = await ensureCli({ root, explicitPath: process.env.TEMPORAL_CLI_PATH, say: (line) => console.log(line) });
  server = await startProvisionedDevServer(config, cli.path, { uiPort: 0 });
  project.provide('temporalAddress', server.address);
  project.provide('temporalUiUrl', server.uiUrl ?? '');
  project.provide('temporalCliPath', cli.path);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
