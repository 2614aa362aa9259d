/**
 * The fault drills, shared by `npm run drill` (full size) and test/integration/drill.test.ts (short):
 * each breaks one part of a running demo on purpose and reports what survived. An order is lost when it
 * does not end as its scenario says; a payment is duplicated when the ledger holds it twice.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ORDER_STATUS } from '../../src/temporal/contract.js';
import { ensureCli } from '../../src/temporal/cli.js';
import { startDevServer, type DevServer } from '../../src/temporal/devserver.js';
import { checkOrders, ledgerDuplicates, startOrders, type DrillOrder, type DrillPace, type OrderCheck } from './drill-orders.js';
import type { LocalStack } from './local-stack.js';
import { watchOrder } from './sse-client.js';
import { until, within } from './wait.js';
import { ROOT } from './stack.js';

export interface DrillResult {
  name: string;
  /** What survived, in a sentence. */
  survived: string;
  lost: number;
  duplicated: number;
  problems: string[];
  seconds: number;
}

export const drillPassed = (r: DrillResult): boolean => r.lost === 0 && r.duplicated === 0 && r.problems.length === 0;

type Say = (line: string) => void;
/** How long orders get to finish once a drill stops breaking things. */
const SETTLE_MS = 180_000;

export interface WorkerKillOptions {
  orders: number;
  kills: number;
  pace: DrillPace;
  say: Say;
}

/**
 * Orders in waves while the orders worker is SIGKILLed and restarted: each kill waits a moment, then
 * lands right after the payment provider applies a charge or refund when it can, the one moment where a
 * re-run activity could apply it twice.
 */
export async function workerKillDrill(ls: LocalStack, o: WorkerKillOptions): Promise<DrillResult> {
  const started = Date.now();
  const ledger = ls.config.payments.ledgerFile;
  const orders: DrillOrder[] = [];
  const wave = (i: number) => Math.floor((o.orders * (i + 1)) / (o.kills + 1)) - Math.floor((o.orders * i) / (o.kills + 1));
  let afterPayment = 0;
  for (let i = 0; i <= o.kills; i++) {
    orders.push(...(await startOrders(ls.client, ls.config.taskQueue, wave(i), o.pace, undefined, orders.length)));
    if (i === o.kills) break;
    const cause = await nextPayment(ledger, 1500, 5000);
    if (cause === 'payment') afterPayment++;
    await ls.stack.stopComponent('orders-worker', 'SIGKILL');
    o.say(`  worker killed (${i + 1}/${o.kills}, ${cause === 'payment' ? 'just after a payment' : 'no payment in sight'}); restarting it`);
    await ls.stack.startComponent('orders-worker');
  }
  const checks = await checkOrders(ls.client, orders, ledger, Date.now() + SETTLE_MS);
  const replayed = checks.filter((c) => c.chargeReplayed).length;
  return result('Orders worker SIGKILLed', started, checks, ledger, [
    `${o.kills} kills (${afterPayment} just after a payment); ${replayed} charges re-run after a kill got the ledger's answer`,
  ]);
}

export interface ServerRestartOptions {
  orders: number;
  downSeconds: number;
  pace: DrillPace;
  say: Say;
}

/** The dev server stopped mid-run and started again on its state: workers and console reconnect by themselves. */
export async function serverRestartDrill(ls: LocalStack, o: ServerRestartOptions): Promise<DrillResult> {
  const started = Date.now();
  if (!ls.env.TEMPORAL_DEV_STATE_DIR) throw new Error('The server-restart drill needs a stack with persistent state.');
  const orders = await startOrders(ls.client, ls.config.taskQueue, o.orders, o.pace);
  await sleep(1000);
  await ls.server.stop();
  o.say(`  Temporal server stopped with ${orders.length} orders in flight; down for ${o.downSeconds} s`);
  await sleep(o.downSeconds * 1000);
  ls.replaceServer(await restartDevServer(ls));
  o.say('  Temporal server started again on its saved state');
  const consoleBack = await until(async () => (await get(`${ls.stack.consoleUrl}/readyz`)).status === 200, 60_000);
  const checks = await checkOrders(ls.client, orders, ls.config.payments.ledgerFile, Date.now() + SETTLE_MS);
  return result('Temporal server restarted', started, checks, ls.config.payments.ledgerFile, [], consoleBack ? [] : ['the console never became ready again']);
}

export interface ConsoleRestartOptions {
  viewers: number;
  /** How long the watched order waits for a person: long enough to outlast the console's restart. */
  holdSeconds: number;
  timeScale: number;
  say: Say;
}

/** The console restarted under live viewers: each reconnects like a browser and sees the order end. */
export async function consoleRestartDrill(ls: LocalStack, o: ConsoleRestartOptions): Promise<DrillResult> {
  const started = Date.now();
  const pace = { timeScale: o.timeScale, humanWaitSeconds: o.holdSeconds };
  const orders = await startOrders(ls.client, ls.config.taskQueue, 1, pace, ['HumanInLoopSignal']);
  const url = `${ls.stack.consoleUrl}/orders/${orders[0]!.orderId}/events`;
  const viewers = Array.from({ length: o.viewers }, () => watchOrder(url));
  try {
    const problems: string[] = [];
    if (!(await until(() => viewers.every((v) => v.events.length > 0), 30_000))) problems.push('not every viewer connected');
    await ls.stack.stopComponent('web');
    o.say(`  console stopped under ${o.viewers} viewers; starting it again`);
    await ls.stack.startComponent('web');
    const ends = await Promise.all(viewers.map((v) => within(v.done, SETTLE_MS, 'no done event')));
    const reconnected = viewers.filter((v) => v.connections >= 2).length;
    const sawDone = ends.filter((end) => end === 'completed').length;
    if (reconnected < o.viewers) problems.push(`${o.viewers - reconnected} viewers never reconnected`);
    if (sawDone < o.viewers) problems.push(`${o.viewers - sawDone} viewers did not see the order complete (${[...new Set(ends)].join(', ')})`);
    const checks = await checkOrders(ls.client, orders, ls.config.payments.ledgerFile, Date.now() + SETTLE_MS);
    return result('Console restarted', started, checks, ls.config.payments.ledgerFile, [`${reconnected}/${o.viewers} viewers reconnected, ${sawDone} saw done`], problems);
  } finally {
    viewers.forEach((v) => v.close());
  }
}

export interface ServerPauseOptions {
  pauseSeconds: number;
  /** Orders running across the pause, which must finish afterwards. */
  orders: number;
  pace: DrillPace;
  say: Say;
}

/** The server frozen (SIGSTOP): the console says so, keeps serving, and clears the banner by itself after. */
export async function serverPauseDrill(ls: LocalStack, o: ServerPauseOptions): Promise<DrillResult> {
  const started = Date.now();
  const base = ls.stack.consoleUrl;
  const orders = await startOrders(ls.client, ls.config.taskQueue, o.orders, o.pace);
  const pid = ls.server.child.pid!;
  let banner = false;
  let notReady = false;
  let homeFailures = 0;
  process.kill(pid, 'SIGSTOP');
  const paused = Date.now();
  o.say(`  Temporal server paused (SIGSTOP) for ${o.pauseSeconds} s`);
  try {
    while (Date.now() - paused < o.pauseSeconds * 1000) {
      banner ||= (await get(`${base}/status`)).body.includes('server-down-banner');
      notReady ||= (await get(`${base}/readyz`)).status === 503;
      if ((await get(`${base}/`)).status !== 200) homeFailures++;
    }
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  const resumed = Date.now();
  const recovered = await until(async () => {
    const [status, ready] = await Promise.all([get(`${base}/status`), get(`${base}/readyz`)]);
    return !status.body.includes('server-down-banner') && ready.status === 200;
  }, 60_000);
  const problems = [
    ...(banner ? [] : ['the server-down banner never showed']),
    ...(notReady ? [] : ['/readyz never answered 503']),
    ...(homeFailures ? [`the home page failed ${homeFailures} times`] : []),
    ...(recovered ? [] : ['the console did not recover within 60 s']),
  ];
  const checks = await checkOrders(ls.client, orders, ls.config.payments.ledgerFile, Date.now() + SETTLE_MS);
  const recovery = recovered ? `banner cleared ${((Date.now() - resumed) / 1000).toFixed(1)} s after resume` : 'no recovery';
  return result('Temporal server paused', started, checks, ls.config.payments.ledgerFile, [`banner ${banner ? 'shown' : 'missing'}, home page served, ${recovery}`], problems);
}

function result(name: string, started: number, checks: OrderCheck[], ledger: string | undefined, notes: string[], problems: string[] = []): DrillResult {
  const failed = checks.filter((c) => c.problem);
  return {
    name,
    survived: [`${checks.length - failed.length}/${checks.length} orders ended as their scenario says`, ...notes].join('; '),
    lost: failed.length,
    duplicated: ledger ? ledgerDuplicates(ledger, checks.map((c) => c.order)) : 0,
    problems: [
      ...problems,
      ...checks.flatMap((c) => [c.problem, c.ledgerProblem].filter(Boolean).map((p) => `order ${c.order.orderId} (${c.order.scenario}): ${p}`)),
    ],
    seconds: (Date.now() - started) / 1000,
  };
}

/** Waits at least minMs, then until the ledger grows (a charge or refund applied) or maxMs have passed. */
async function nextPayment(ledger: string | undefined, minMs: number, maxMs: number): Promise<'payment' | 'timer'> {
  await sleep(minMs);
  const size = () => (ledger ? (statSync(ledger, { throwIfNoEntry: false })?.size ?? 0) : 0);
  const before = size();
  const deadline = Date.now() + maxMs - minMs;
  while (Date.now() < deadline) {
    if (size() !== before) return 'payment';
    await sleep(2);
  }
  return 'timer';
}

/** A dev server like the one startStack started: same ports, same state file. */
async function restartDevServer(ls: LocalStack): Promise<DevServer> {
  const { config } = ls;
  const cli = await ensureCli({ root: ROOT, explicitPath: config.devServer.cliPath, say: () => undefined });
  return startDevServer({
    cliPath: cli.path,
    port: config.devServer.port,
    uiPort: config.devServer.uiPort,
    dbFile: path.resolve(ROOT, config.devServer.stateDir, 'dev.db'),
    namespaces: [config.nexus.handler.namespace],
    searchAttributes: { [ORDER_STATUS.name]: 'Keyword' },
  });
}

async function get(url: string): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { status: 0, body: (err as Error).message };
  }
}
