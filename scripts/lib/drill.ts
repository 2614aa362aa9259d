/**
 * The fault drills, shared by `npm run drill` (full size) and test/integration/drill.test.ts (short):
 * each breaks one part of a running demo on purpose and reports what survived. An order is lost when it
 * does not end as its scenario says; an effect (charge, refund, reservation, shipment, message) is doubled when the database holds it twice. Parts killed
 * with SIGKILL are brought back by the stack's supervisor, as under `npm start`, never by the drill.
 * More drills: drill-crash.ts (shipping worker, dev server), drill-key.ts (key outage), drill-launcher.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { checkOrders, startOrders, type DrillOrder, type DrillPace } from './drill-orders.js';
import { killAndWatch, killPart, movingAgain, partBack, recoveryOf, secondsBetween, type KillRecovery } from './drill-recovery.js';
import { drillResult, SETTLE_MS, type DrillResult, type Say } from './drill-report.js';
import type { LocalStack } from './local-stack.js';
import { watchOrder } from './sse-client.js';
import { until, within } from './wait.js';

export { drillPassed, type DrillResult } from './drill-report.js';

export interface WorkerKillOptions {
  orders: number;
  kills: number;
  pace: DrillPace;
  say: Say;
}

/**
 * Orders in waves while the orders worker is SIGKILLed: each kill waits a moment, then lands right after
 * the payment provider applies a charge or refund when it can, the one moment where a re-run activity could
 * apply it twice. The supervisor restarts the worker; the next wave starts once orders move again.
 */
export async function workerKillDrill(ls: LocalStack, o: WorkerKillOptions): Promise<DrillResult> {
  requireSupervision(ls, 'worker-kill');
  const started = Date.now();
  const supervisor = ls.stack.supervisor;
  const restartsBefore = restartsOf(ls, 'orders-worker');
  const orders: DrillOrder[] = [];
  const kills: KillRecovery[] = [];
  const problems: string[] = [];
  const wave = (i: number) => Math.floor((o.orders * (i + 1)) / (o.kills + 1)) - Math.floor((o.orders * i) / (o.kills + 1));
  let afterPayment = 0;
  for (let i = 0; i <= o.kills; i++) {
    orders.push(...(await startOrders(ls.client, ls.config.taskQueue, wave(i), o.pace, undefined, orders.length)));
    if (i === o.kills) break;
    const cause = await nextPayment(ls, 1500, 5000);
    if (cause === 'payment') afterPayment++;
    const k = await killAndWatch(supervisor, 'orders-worker', orders, 'worker');
    kills.push(k);
    const back = secondsBetween(k.kill.at, k.back);
    o.say(`  worker killed (${i + 1}/${o.kills}, ${cause === 'payment' ? 'just after a payment' : 'no payment in sight'}); ${back === undefined ? 'not back' : `back in ${back.toFixed(1)} s`}`);
    if (back === undefined) {
      problems.push('the supervisor did not bring the orders worker back within 90 s');
      break;
    }
  }
  const restarts = restartsOf(ls, 'orders-worker') - restartsBefore;
  // More restarts than kills is fine (a start that failed and was retried); fewer means some kill was never undone.
  if (restarts < kills.length) problems.push(`${kills.length} kills but ${restarts} restarts by the supervisor`);
  const checks = await checkOrders(ls.client, orders, ls.systems, Date.now() + SETTLE_MS);
  const replayed = checks.filter((c) => c.chargeReplayed).length;
  return drillResult({
    name: 'Orders worker SIGKILLed',
    started,
    checks,
    notes: [`${kills.length} kills (${afterPayment} just after a payment), ${restarts} restarts by the supervisor; ${replayed} charges re-run after a kill got the payment provider's first answer (its idempotency key)`],
    problems,
    recovery: recoveryOf(kills),
  });
}

export interface ServerRestartOptions {
  orders: number;
  downSeconds: number;
  pace: DrillPace;
  say: Say;
}

/**
 * The dev server stopped mid-run, down for a while, and started again on its state: workers and console
 * reconnect by themselves. Recovery is timed from the restart (the downtime is the drill's choice).
 */
export async function serverRestartDrill(ls: LocalStack, o: ServerRestartOptions): Promise<DrillResult> {
  const started = Date.now();
  if (!ls.env.TEMPORAL_DEV_STATE_DIR) throw new Error('The server-restart drill needs a stack with persistent state.');
  const orders = await startOrders(ls.client, ls.config.taskQueue, o.orders, o.pace);
  await sleep(1000);
  await ls.stack.supervisor.stop('temporal');
  const stopped = Date.now();
  o.say(`  Temporal server stopped with ${orders.length} orders in flight; down for ${o.downSeconds} s`);
  await sleep(o.downSeconds * 1000);
  const restarted = Date.now();
  await ls.stack.supervisor.start('temporal');
  const back = Date.now();
  o.say('  Temporal server started again on its saved state');
  const moving = await movingAgain(orders, { after: stopped, kind: 'worker' });
  const consoleBack = await until(async () => (await get(`${ls.stack.consoleUrl}/readyz`)).status === 200, 60_000);
  const checks = await checkOrders(ls.client, orders, ls.systems, Date.now() + SETTLE_MS);
  return drillResult({
    name: 'Temporal server restarted',
    started,
    checks,
    problems: consoleBack ? [] : ['the console never became ready again'],
    recovery: { back: [secondsBetween(restarted, back)], moving: [secondsBetween(restarted, moving)] },
  });
}

export interface ConsoleKillOptions {
  viewers: number;
  /** How long the watched order waits for a person: long enough to outlast the console's restart. */
  holdSeconds: number;
  timeScale: number;
  say: Say;
}

/**
 * The console SIGKILLed under live viewers: the supervisor restarts it, each viewer reconnects like a
 * browser and sees the order end. "Moving" here is the last viewer's first event from the new console.
 */
export async function consoleKillDrill(ls: LocalStack, o: ConsoleKillOptions): Promise<DrillResult> {
  requireSupervision(ls, 'console-kill');
  const started = Date.now();
  const supervisor = ls.stack.supervisor;
  const pace = { timeScale: o.timeScale, humanWaitSeconds: o.holdSeconds };
  const orders = await startOrders(ls.client, ls.config.taskQueue, 1, pace, ['HumanInLoopSignal']);
  const url = `${ls.stack.consoleUrl}/orders/${orders[0]!.orderId}/events`;
  const viewers = Array.from({ length: o.viewers }, () => watchOrder(url));
  try {
    const problems: string[] = [];
    if (!(await until(() => viewers.every((v) => v.events.length > 0), 30_000))) problems.push('not every viewer connected');
    const kill = killPart(supervisor, 'web');
    o.say(`  console SIGKILLed under ${o.viewers} viewers`);
    const back = await partBack(supervisor, 'web', kill);
    if (back === undefined) problems.push('the supervisor did not bring the console back within 90 s');
    // Events from after the new console was ready: one still in a socket buffer of the killed one is not a reconnection.
    const since = back ?? kill.at;
    const firstFromNew = () => viewers.map((v) => v.events.find((e) => e.at > since)?.at);
    await until(() => firstFromNew().every((at) => at !== undefined), 60_000);
    const seen = firstFromNew();
    const moving = seen.every((at) => at !== undefined) ? Math.max(...(seen as number[])) : undefined;
    const ends = await Promise.all(viewers.map((v) => within(v.done, SETTLE_MS, 'no done event')));
    const reconnected = viewers.filter((v) => v.connections >= 2).length;
    const sawDone = ends.filter((end) => end === 'completed').length;
    if (reconnected < o.viewers) problems.push(`${o.viewers - reconnected} viewers never reconnected`);
    if (sawDone < o.viewers) problems.push(`${o.viewers - sawDone} viewers did not see the order complete (${[...new Set(ends)].join(', ')})`);
    const checks = await checkOrders(ls.client, orders, ls.systems, Date.now() + SETTLE_MS);
    return drillResult({
      name: 'Console SIGKILLed',
      started,
      checks,
      notes: [`${reconnected}/${o.viewers} viewers reconnected, ${sawDone} saw done`],
      problems,
      recovery: { back: [secondsBetween(kill.at, back)], moving: [secondsBetween(kill.at, moving)] },
    });
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

/**
 * The server frozen (SIGSTOP): the console says so, keeps serving, and clears the banner by itself after.
 * Recovery is timed from SIGCONT: "back" is the banner gone and /readyz 200 again.
 */
export async function serverPauseDrill(ls: LocalStack, o: ServerPauseOptions): Promise<DrillResult> {
  const started = Date.now();
  const base = ls.stack.consoleUrl;
  const orders = await startOrders(ls.client, ls.config.taskQueue, o.orders, o.pace);
  const pid = ls.serverPid();
  if (!pid) throw new Error('The Temporal server is not running: nothing to pause.');
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
  const moving = movingAgain(orders, { after: paused, kind: 'worker' });
  const recovered = await until(async () => {
    const [status, ready] = await Promise.all([get(`${base}/status`), get(`${base}/readyz`)]);
    return !status.body.includes('server-down-banner') && ready.status === 200;
  }, 60_000);
  const back = recovered ? Date.now() : undefined;
  const problems = [
    ...(banner ? [] : ['the server-down banner never showed']),
    ...(notReady ? [] : ['/readyz never answered 503']),
    ...(homeFailures ? [`the home page failed ${homeFailures} times`] : []),
    ...(recovered ? [] : ['the console did not recover within 60 s']),
  ];
  const movedAt = await moving;
  const checks = await checkOrders(ls.client, orders, ls.systems, Date.now() + SETTLE_MS);
  const recovery = back ? `banner cleared ${((back - resumed) / 1000).toFixed(1)} s after resume` : 'no recovery';
  return drillResult({
    name: 'Temporal server paused',
    started,
    checks,
    notes: [`banner ${banner ? 'shown' : 'missing'}, home page served, ${recovery}`],
    problems,
    recovery: { back: [secondsBetween(resumed, back)], moving: [secondsBetween(resumed, movedAt)] },
  });
}

/** Restarts of a part by the supervisor so far (crash restarts and starts after a kill). */
export function restartsOf(ls: LocalStack, part: 'orders-worker' | 'shipping-worker' | 'web' | 'temporal'): number {
  return ls.stack.supervisor.status().parts.find((p) => p.name === part)?.restarts ?? 0;
}

export function requireSupervision(ls: LocalStack, drill: string): void {
  if (!ls.supervised) throw new Error(`The ${drill} drill needs a supervised stack (startLocalStack({ supervise: true })): the supervisor, not the drill, restarts what it kills.`);
}

/** Waits at least minMs, then until the payment provider applies a charge or refund, or maxMs have passed. */
async function nextPayment(ls: LocalStack, minMs: number, maxMs: number): Promise<'payment' | 'timer'> {
  await sleep(minMs);
  const count = async () => Number((await ls.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM payments')).rows[0]?.n ?? 0);
  const before = await count();
  const deadline = Date.now() + maxMs - minMs;
  while (Date.now() < deadline) {
    if ((await count()) !== before) return 'payment';
    await sleep(5);
  }
  return 'timer';
}

export async function get(url: string): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text() };
  } catch (err) {
    return { status: 0, body: (err as Error).message };
  }
}
