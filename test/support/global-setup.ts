/**
 * Starts one real Temporal dev server for the whole test run, on free ports and with in-memory state,
 * provisions it like `npm start` does, and hands its address to the suites through vitest's provide/inject.
 */
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../src/config.js';
import { ensureCli } from '../../src/temporal/cli.js';
import { startDevServer, type DevServer } from '../../src/temporal/devserver.js';
import { provision } from '../../src/temporal/provision.js';
import { ORDER_STATUS } from '../../src/temporal/contract.js';

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
  server = await startDevServer({
    cliPath: cli.path,
    port: 0,
    uiPort: 0,
    namespaces: [config.nexus.handler.namespace],
    searchAttributes: { [ORDER_STATUS.name]: 'Keyword' },
  });
  const connection = await Connection.connect({ address: server.address });
  try {
    await provision(connection, {
      namespace: config.temporal.namespace,
      nexus: { endpoint: config.nexus.endpoint, namespace: config.nexus.handler.namespace, taskQueue: config.nexus.taskQueue },
    });
  } finally {
    await connection.close();
  }
  project.provide('temporalAddress', server.address);
  project.provide('temporalUiUrl', server.uiUrl ?? '');
  project.provide('temporalCliPath', cli.path);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
