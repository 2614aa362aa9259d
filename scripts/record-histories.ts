/**
 * `npm run record-histories`: runs one order per scenario (plus a ShippingWorkflow) through the real
 * workers and saves each history as JSON in test/fixtures/histories/<Scenario>.json. The replay test
 * replays them against the current code: a change that would break running orders fails that test.
 *
 * This console's extensions are recorded too: OrderFulfilmentWorkflow.json (amended, confirmed, every
 * shipment dispatched and delivered by a courier); OrderIdempotenceWorkflow.json (ChargeCustomer's attempt 1
 * lost its report, here by failing retryably: this worker has no supervisor to restart it, so it never
 * crashes; the history is the same shape either way, attempt 2 completing the activity).
 *
 * `npm run record-histories -- APIKeyRotation` records only the scenarios named (a new workflow type's
 * first fixture, leaving the others as recorded by earlier code); `--out DIR` writes elsewhere (to compare
 * fresh histories with the committed ones).
 *
 * Uses TEMPORAL_ADDRESS when set; otherwise starts a throwaway dev server of its own.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { NativeConnection } from '@temporalio/worker';
import { connectionOptions, loadConfig, type Config } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { ensureCli } from '../src/temporal/cli.js';
import {
  isScenario,
  orderWorkflowId,
  SCENARIOS,
  shipmentWorkflowId,
  SIMULATED_BUG_MESSAGE,
  updateOrderSignal,
  updateOrderUpdate,
  workflowTypeOf,
  type Scenario,
} from '../src/temporal/contract.js';
import type { DevServer } from '../src/temporal/devserver.js';
import { createOrdersWorker, type OrdersWorkerHandle } from '../src/worker/orders-worker.js';
import { installRuntime } from '../src/worker/runtime.js';
import { createShippingWorker } from '../src/worker/shipping-worker.js';
import {
  amendOrderUpdate,
  confirmAmendmentUpdate,
  deliverShipmentUpdate,
  dispatchShipmentUpdate,
  FULFILMENT_WORKFLOW_TYPE,
  getFulfilmentQuery,
} from '../src/fulfilment/api.js';
import { IDEMPOTENCE_WORKFLOW_TYPE } from '../src/idempotence/api.js';
import { getOrderStateQuery } from '../src/workflows/extras.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const say = (line: string): void => console.log(`[record] ${line}`);
let OUT_DIR = '';

/** Workflow types of this console's own (contract.md "Our extensions"), recorded under their type name. */
const EXTENSIONS = [FULFILMENT_WORKFLOW_TYPE, IDEMPOTENCE_WORKFLOW_TYPE] as const;
type Extension = (typeof EXTENSIONS)[number];
const isExtension = (name: string): name is Extension => (EXTENSIONS as readonly string[]).includes(name);

function parseArgs(args: string[]): { outDir: string; scenarios: readonly Scenario[]; extensions: readonly Extension[] } {
  const out = args.indexOf('--out');
  const outDir = out >= 0 && args[out + 1] ? path.resolve(args[out + 1]!) : path.join(ROOT, 'test', 'fixtures', 'histories');
  const names = out >= 0 ? [...args.slice(0, out), ...args.slice(out + 2)] : args;
  const unknown = names.filter((name) => !isScenario(name) && !isExtension(name));
  if (unknown.length > 0) throw new Error(`Unknown scenario(s): ${unknown.join(', ')}; known: ${[...SCENARIOS, ...EXTENSIONS].join(', ')}`);
  if (names.length === 0) return { outDir, scenarios: SCENARIOS, extensions: EXTENSIONS };
  return { outDir, scenarios: names.filter(isScenario), extensions: names.filter(isExtension) };
}

async function main(): Promise<void> {
  const { outDir, scenarios: WANTED, extensions } = parseArgs(process.argv.slice(2));
  OUT_DIR = outDir;
  const base = loadConfig();
  const logger = createLogger({ name: 'record', level: 'warn' });
  installRuntime(logger);
  const server = base.temporal.external ? undefined : await startOwnServer(base);
  // Its own task queue, so a demo worker already polling `orders` cannot take these orders.
  const config: Config = { ...base, taskQueue: `record-histories-${process.pid}` };
  const workerConnection = await NativeConnection.connect(connectionOptions(config.temporal, server?.address));
  const handlerConnection = await NativeConnection.connect(connectionOptions(config.nexus.handler, server?.address));
  const clientConnection = await Connection.connect(connectionOptions(config.temporal, server?.address));
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const orders = await createOrdersWorker({ config, connection: workerConnection, logger, fixed: false });
  const shipping = await createShippingWorker({ config, connection: handlerConnection, logger });
  const running = Promise.all([orders.run(), shipping.run()]);
  try {
    mkdirSync(OUT_DIR, { recursive: true });
    const others = WANTED.filter((s) => s !== 'RecoverableFailure');
    await Promise.all([
      ...others.map((scenario) => recordOrder(client, config, orders, scenario)),
      ...extensions.map((type) => (type === FULFILMENT_WORKFLOW_TYPE ? recordFulfilment(client, config) : recordIdempotence(client, config))),
    ]);
    // Last: its redeploy swaps the code under every order still running.
    if (WANTED.includes('RecoverableFailure')) await recordOrder(client, config, orders, 'RecoverableFailure');
    const count = WANTED.length + extensions.length + (WANTED.includes('ChildWorkflow') ? 1 : 0);
    say(`Wrote ${count} histories to ${path.relative(ROOT, OUT_DIR) || OUT_DIR}/`);
  } finally {
    await Promise.all([orders.shutdown(), shipping.shutdown()]);
    await running;
    await Promise.all([workerConnection.close(), handlerConnection.close(), clientConnection.close()]);
    await server?.stop();
  }
}

async function recordOrder(client: Client, config: Config, orders: OrdersWorkerHandle, scenario: Scenario): Promise<void> {
  const orderId = String(100_000 + Math.floor(Math.random() * 900_000));
  const handle = await client.workflow.start(workflowTypeOf(scenario), {
    taskQueue: config.taskQueue,
    workflowId: orderWorkflowId(orderId),
    args: [{ OrderId: orderId, Address: '123 Main St. Redwood, CA', TimeScale: 0.05, HumanWaitSeconds: 30 }],
    // The SDK stops reporting repeated task failures and lets them time out; keep that wait short.
    workflowTaskTimeout: scenario === 'RecoverableFailure' ? '2s' : undefined,
  });
  await drive(handle, scenario, orders);
  await handle.result().catch(() => undefined); // NonRecoverableFailure fails by design
  await save(scenario, handle);
  if (scenario === 'ChildWorkflow') await save('ShippingWorkflow', client.workflow.getHandle(shipmentWorkflowId(orderId, 654300)));
}

/** Fulfilment with couriers as the room plays it: amend, confirm, then a courier dispatches and delivers each item. */
async function recordFulfilment(client: Client, config: Config): Promise<void> {
  const orderId = String(100_000 + Math.floor(Math.random() * 900_000));
  const handle = await client.workflow.start(FULFILMENT_WORKFLOW_TYPE, {
    taskQueue: config.taskQueue,
    workflowId: orderWorkflowId(orderId),
    args: [{ OrderId: orderId, Address: '123 Main St. Redwood, CA', TimeScale: 0.05, HumanWaitSeconds: 30 }],
  });
  await until(async () => (await handle.query(getFulfilmentQuery)).phase === 'awaiting-courier');
  const items = (await handle.query(getFulfilmentQuery)).shipments.map((s) => s.item);
  await handle.executeUpdate(amendOrderUpdate, { args: [{ items: [{ id: items[0]!.id, quantity: items[0]!.quantity + 1 }] }] });
  await handle.executeUpdate(confirmAmendmentUpdate);
  for (const item of items) await handle.executeUpdate(dispatchShipmentUpdate, { args: [{ itemId: item.id }] });
  for (const item of items) await handle.executeUpdate(deliverShipmentUpdate, { args: [{ itemId: item.id }] });
  await handle.result();
  await save(FULFILMENT_WORKFLOW_TYPE, handle);
}

/** Idempotence across a crash: ChargeCustomer's attempt 1 loses its report, attempt 2 completes it. */
async function recordIdempotence(client: Client, config: Config): Promise<void> {
  const orderId = String(100_000 + Math.floor(Math.random() * 900_000));
  const handle = await client.workflow.start(IDEMPOTENCE_WORKFLOW_TYPE, {
    taskQueue: config.taskQueue,
    workflowId: orderWorkflowId(orderId),
    args: [{ OrderId: orderId, Address: '123 Main St. Redwood, CA', TimeScale: 0.05 }],
  });
  await handle.result();
  await save(IDEMPOTENCE_WORKFLOW_TYPE, handle);
}

/** What the presenter would do in each scenario, so its handlers are in the history too. */
async function drive(handle: WorkflowHandle, scenario: Scenario, orders: OrdersWorkerHandle): Promise<void> {
  if (scenario === 'HumanInLoopSignal' || scenario === 'HumanInLoopUpdate') {
    await until(async () => (await handle.query(getOrderStateQuery)).awaitingAddress);
    if (scenario === 'HumanInLoopSignal') await handle.signal(updateOrderSignal, { Address: '456 Signal St' });
    else await handle.executeUpdate(updateOrderUpdate, { args: [{ Address: '789 Update Ave' }] });
  }
  if (scenario === 'RecoverableFailure') {
    await until(async () => {
      const history = await handle.fetchHistory();
      return (history.events ?? []).some((e) => e.workflowTaskFailedEventAttributes?.failure?.message === SIMULATED_BUG_MESSAGE);
    });
    say('RecoverableFailure is stuck on the bug; redeploying the fix');
    await orders.redeploy({ fixed: true });
  }
}

async function save(name: string, handle: WorkflowHandle): Promise<void> {
  const history = await handle.fetchHistory();
  writeFileSync(path.join(OUT_DIR, `${name}.json`), historyToJSON(history) + '\n');
  say(`${name}: ${history.events?.length ?? 0} events`);
}

async function until(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('Timed out waiting for the scenario to reach its interactive step');
}

async function startOwnServer(config: Config): Promise<DevServer> {
  const cli = await ensureCli({ root: ROOT, explicitPath: config.devServer.cliPath, say });
  say('Starting a throwaway Temporal dev server');
  // Loaded only here: nothing else in this script needs it when recording against TEMPORAL_ADDRESS.
  const { startProvisionedDevServer } = await import('../src/temporal/provision.js');
  return startProvisionedDevServer(config, cli.path);
}

main().catch((err: unknown) => {
  console.error('[record] Failed:', err);
  process.exit(1);
});
