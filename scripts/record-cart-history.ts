/**
 * `npx tsx scripts/record-cart-history.ts`: fills a CartWorkflow through the console's cart client until it
 * continues as new, then checks out in the next run, and saves both runs' histories as
 * test/fixtures/histories/cart/CartWorkflow-run{1,2}.json. The replay test replays them against the
 * current code: a change to the cart's commands (continue-as-new, the checkout's child order) fails it.
 * Kept apart from record-histories.ts, whose fixture folder holds exactly the contract's scenarios.
 *
 * Uses TEMPORAL_ADDRESS when set; otherwise starts a throwaway dev server of its own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { NativeConnection } from '@temporalio/worker';
import { cartWorkflowId } from '../src/cart/api.js';
import { createCartClient } from '../src/cart/client.js';
import { connectionOptions, loadConfig, type Config } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createConsoleMetrics } from '../src/metrics/console.js';
import { ensureCli } from '../src/temporal/cli.js';
import { orderWorkflowId } from '../src/temporal/contract.js';
import type { DevServer } from '../src/temporal/devserver.js';
import { createOrdersWorker } from '../src/worker/orders-worker.js';
import { installRuntime } from '../src/worker/runtime.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT_DIR = path.join(ROOT, 'test', 'fixtures', 'histories', 'cart');
const say = (line: string): void => console.log(`[record-cart] ${line}`);

async function main(): Promise<void> {
  const base = loadConfig();
  const logger = createLogger({ name: 'record-cart', level: 'warn' });
  installRuntime(logger);
  const server = base.temporal.external ? undefined : await startOwnServer(base);
  const config: Config = { ...base, taskQueue: `record-cart-${process.pid}` };
  const workerConnection = await NativeConnection.connect(connectionOptions(config.temporal, server?.address));
  const clientConnection = await Connection.connect(connectionOptions(config.temporal, server?.address));
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const orders = await createOrdersWorker({ config, connection: workerConnection, logger, fixed: false });
  const running = orders.run();
  const carts = createCartClient({ client, taskQueue: config.taskQueue, continueEvery: 4, metrics: createConsoleMetrics({ processMetrics: false }) });
  const customer = `recorded-${process.pid}`;
  try {
    mkdirSync(OUT_DIR, { recursive: true });
    // Run 1: three adds (one a second Table Legs), a rejected add (not in the history), a partial remove: 4 changes.
    await expectOk(carts.add(customer, { itemId: 654321, quantity: 2 }));
    await expectOk(carts.add(customer, { itemId: 654300, quantity: 1 }));
    await expectOk(carts.add(customer, { itemId: 654321, quantity: 1 }));
    const rejected = await carts.add(customer, { itemId: 1, quantity: 1 });
    if (rejected.kind !== 'rejected') throw new Error('The unknown item was not rejected');
    await expectOk(carts.remove(customer, { itemId: 654321, quantity: 1 }));
    // Run 2: an add, a checkout (a child HappyPath order), the same checkout again (answered from memory), a reset.
    await until(async () => (await carts.get(customer))?.run === 2);
    await expectOk(carts.add(customer, { itemId: 654322, quantity: 3 }));
    const orderId = String(100_000 + (process.pid % 900_000));
    await expectOk(carts.checkout(customer, { orderId, timeScale: 0.05 }));
    await expectOk(carts.checkout(customer, { orderId, timeScale: 0.05 }));
    await expectOk(carts.reset(customer));
    await client.workflow.getHandle(orderWorkflowId(orderId)).result();
    // Ended, so its history is whole: a cart never ends by itself.
    const second = client.workflow.getHandle(cartWorkflowId(customer));
    await until(async () => (await second.fetchHistory()).events?.at(-1)?.workflowTaskCompletedEventAttributes != null);
    await second.terminate('recorded');
    const started = (await second.fetchHistory()).events?.[0]?.workflowExecutionStartedEventAttributes;
    const firstRunId = started?.continuedExecutionRunId;
    if (!firstRunId) throw new Error('The second run does not name the run it continues');
    await save('CartWorkflow-run1', client.workflow.getHandle(cartWorkflowId(customer), firstRunId));
    await save('CartWorkflow-run2', second);
  } finally {
    await orders.shutdown();
    await running;
    await Promise.all([workerConnection.close(), clientConnection.close()]);
    await server?.stop();
  }
}

async function expectOk(outcome: Promise<{ kind: string }>): Promise<void> {
  const result = await outcome;
  if (result.kind !== 'ok') throw new Error(`Cart update not taken: ${JSON.stringify(result)}`);
}

async function save(name: string, handle: WorkflowHandle): Promise<void> {
  const history = await handle.fetchHistory();
  writeFileSync(path.join(OUT_DIR, `${name}.json`), historyToJSON(history) + '\n');
  say(`${name}: ${history.events?.length ?? 0} events`);
}

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('Timed out');
}

async function startOwnServer(config: Config): Promise<DevServer> {
  const cli = await ensureCli({ root: ROOT, explicitPath: config.devServer.cliPath, say });
  say('Starting a throwaway Temporal dev server');
  const { startProvisionedDevServer } = await import('../src/temporal/provision.js');
  return startProvisionedDevServer(config, cli.path);
}

main().catch((err: unknown) => {
  console.error('[record-cart] Failed:', err);
  process.exit(1);
});
