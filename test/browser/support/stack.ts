/**
 * What a browser suite clicks through: the real console (createApp) listening on a free loopback port,
 * talking to the run's dev server, with the file's own in-process workers on a task queue of its own.
 * Orders placed through the UI run at ORDER_DEMO_TIME_SCALE pace; the human wait stays at 60 s, so the
 * address forms stay up while the test types.
 */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { orderWorkflowId } from '../../../src/temporal/contract.js';
import { probePort } from '../../../src/temporal/devserver.js';
import type { Sessions } from '../../../src/web/room/sessions.js';
import type { OrderResult } from '../../../src/temporal/contract.js';
import { startTestConsole, startTestWorkerControl } from '../../integration/web-support.js';
import type { TestConsole } from '../../integration/web-support.js';
import { testConfig } from '../../support/env.js';
import { startTestWorkers } from '../../support/workers.js';
import { startTestDatabase } from '../../support/databases.js';
import { openDatabase } from '../../../src/db/database.js';
import { createSystems } from '../../../src/db/systems.js';
import type { TestWorkers } from '../../support/workers.js';

export interface BrowserStack {
  /** The console's base URL, e.g. http://127.0.0.1:40123 (no trailing slash). */
  url: string;
  workers: TestWorkers;
  /** The console's app, metrics and client. */
  web: TestConsole;
  /** The order workflow's result, straight from Temporal (waits for it to close). */
  resultOf(orderId: string): Promise<OrderResult>;
  /** How many workflow executions ever had this order's workflow id (visibility, so polled until one shows). */
  workflowCount(orderId: string): Promise<number>;
  /**
   * Takes the console off the network (its listener closed, every connection, streams too, cut) until the
   * returned function puts it back on the same port: what a browser sees of a console restart or a
   * dropped connection.
   */
  interrupt(): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface BrowserStackOptions {
  /** Task queue prefix. */
  name: string;
  /** More console settings, e.g. WEB_PUBLIC_URL to expose it to an audience. */
  env?: Record<string, string>;
  /** The console's presenter sign-ins, so the test can issue a one-time link as `npm start` prints one. */
  sessions?: Sessions;
  /** Run the Nexus shipping worker too. */
  shipping?: boolean;
  /** ORDER_DEMO_TIME_SCALE of the console (default 0.2: fast, yet each state lasts long enough to see). */
  timeScale?: number;
  /** Wire Deploy fix and Restore the bug, through the worker's real control channel, to this file's orders worker. */
  deployFix?: boolean;
  /** Give the workers and the console an outside-systems database (PGlite in this process): the Effects panel fills in. */
  effects?: boolean;
}

export async function startBrowserStack(options: BrowserStackOptions): Promise<BrowserStack> {
  const database = options.effects ? await startTestDatabase('pglite') : undefined;
  const db = database && (await openDatabase(database.url, { max: 4 }));
  const systems = db && createSystems(db);
  const closeDatabase = async (): Promise<void> => {
    await db?.close();
    await database?.stop();
  };
  const workers = await startTestWorkers({ name: options.name, shipping: options.shipping, systems });
  // The console checks Origin against its configured port: it must know the port it listens on.
  const port = await freePort();
  const config = testConfig({
    TEMPORAL_TASK_QUEUE: workers.config.taskQueue,
    ORDER_DEMO_TIME_SCALE: String(options.timeScale ?? 0.2),
    WEB_PORT: String(port),
    ...options.env,
  });
  const channel = options.deployFix ? await startTestWorkerControl(workers.orders) : undefined;
  const web = startTestConsole({ config, recheckMs: 100, workerControl: channel?.control, sessions: options.sessions, systems });
  let server: Server;
  try {
    server = await listen(web.app.fetch, port);
  } catch (err) {
    await web.close();
    await channel?.close();
    await workers.stop();
    await closeDatabase();
    throw err;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    workers,
    web,
    resultOf: async (orderId) => (await workers.client.workflow.getHandle(orderWorkflowId(orderId)).result()) as OrderResult,
    async workflowCount(orderId) {
      const query = `WorkflowId = "${orderWorkflowId(orderId)}"`;
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { count } = await workers.client.workflow.count(query);
        if (count > 0 || Date.now() > deadline) return count;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async interrupt() {
      await stop(server);
      return async () => {
        server = await listen(web.app.fetch, port);
      };
    },
    async close() {
      await stop(server);
      await web.close();
      await channel?.close();
      await workers.stop();
      await closeDatabase();
    },
  };
}

async function stop(server: Server): Promise<void> {
  // Open SSE streams would keep close() waiting: end them first.
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A loopback port free right now, for a console that must know its port before it listens. */
export function freePort(): Promise<number> {
  return probePort(0, '127.0.0.1');
}

/** Serves a console's fetch on 127.0.0.1:port. */
export function listen(fetch: TestConsole['app']['fetch'], port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port }) as Server;
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}
