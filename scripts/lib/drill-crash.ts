/**
 * Crash drills of the parts a presenter rarely thinks of: the Nexus shipping worker and the Temporal dev
 * server, each SIGKILLed mid-run as `kill -9` would, and brought back by the stack's supervisor by itself.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { checkOrders, startOrders, type DrillPace } from './drill-orders.js';
import { killAndWatch, lastEndedAt, movingAgain, recoveryOf, secondsBetween } from './drill-recovery.js';
import { drillResult, SETTLE_MS, type DrillResult, type Say } from './drill-report.js';
import { get, requireSupervision, restartsOf } from './drill.js';
import type { LocalStack } from './local-stack.js';
import { until } from './wait.js';

export interface CrashOptions {
  orders: number;
  pace: DrillPace;
  say: Say;
}

/**
 * NexusOperation orders while the shipping worker (the Nexus handler and its ShippingWorkflows) is
 * SIGKILLed: half are shipping when it dies, the other half reach shipping while it is down.
 */
export async function shippingKillDrill(ls: LocalStack, o: CrashOptions): Promise<DrillResult> {
  requireSupervision(ls, 'shipping-kill');
  const started = Date.now();
  const { supervisor } = ls.stack;
  const restartsBefore = restartsOf(ls, 'shipping-worker');
  const first = await startOrders(ls.client, ls.config.taskQueue, Math.ceil(o.orders / 2), o.pace, ['NexusOperation']);
  const shipping = await movingAgain(first, { after: started, kind: 'nexus', timeoutMs: 60_000 });
  const rest = await startOrders(ls.client, ls.config.taskQueue, Math.floor(o.orders / 2), o.pace, ['NexusOperation'], first.length);
  const orders = [...first, ...rest];
  const k = await killAndWatch(supervisor, 'shipping-worker', orders, 'nexus');
  o.say(`  shipping worker SIGKILLed${shipping ? ' with Nexus operations in flight' : ''}; ${k.back ? `back in ${((k.back - k.kill.at) / 1000).toFixed(1)} s` : 'not back'}`);
  const restarts = restartsOf(ls, 'shipping-worker') - restartsBefore;
  const checks = await checkOrders(ls.client, orders, ls.systems, Date.now() + SETTLE_MS);
  // Nexus calls cut by the kill are retried by the server with its own backoff: the tail can outlast the restart.
  const allDone = secondsBetween(k.kill.at, await lastEndedAt(orders));
  return drillResult({
    name: 'Shipping worker SIGKILLed',
    started,
    checks,
    notes: [`NexusOperation orders only; ${restarts} restart${restarts === 1 ? '' : 's'} by the supervisor; ${allDone === undefined ? 'not every order ended' : `the last order ended ${allDone.toFixed(0)} s after the kill`}`],
    problems: [
      ...(shipping ? [] : ['no Nexus operation had started before the kill']),
      ...(k.back ? [] : ['the supervisor did not bring the shipping worker back within 90 s']),
      ...(restarts >= 1 ? [] : ['killed, but the supervisor did not restart it']),
    ],
    recovery: recoveryOf([k]),
  });
}

/** The dev server SIGKILLed mid-run: the supervisor starts it again on its state (SQLite), clients reconnect. */
export async function serverKillDrill(ls: LocalStack, o: CrashOptions): Promise<DrillResult> {
  requireSupervision(ls, 'server-kill');
  if (!ls.env.TEMPORAL_DEV_STATE_DIR) throw new Error('The server-kill drill needs a stack with persistent state (startLocalStack({ persistent: true })).');
  const started = Date.now();
  const restartsBefore = restartsOf(ls, 'temporal');
  const orders = await startOrders(ls.client, ls.config.taskQueue, o.orders, o.pace);
  await sleep(1500);
  const k = await killAndWatch(ls.stack.supervisor, 'temporal', orders, 'worker');
  const back = secondsBetween(k.kill.at, k.back);
  o.say(`  Temporal server SIGKILLed with ${orders.length} orders in flight; ${back === undefined ? 'not back' : `back in ${back.toFixed(1)} s`}`);
  const consoleReady = await until(async () => (await get(`${ls.stack.consoleUrl}/readyz`)).status === 200, 60_000);
  const restarts = restartsOf(ls, 'temporal') - restartsBefore;
  const checks = await checkOrders(ls.client, orders, ls.systems, Date.now() + SETTLE_MS);
  return drillResult({
    name: 'Temporal server SIGKILLed',
    started,
    checks,
    notes: [`${restarts} restart${restarts === 1 ? '' : 's'} by the supervisor, on its saved state; workers and console reconnected by themselves`],
    problems: [
      ...(k.back ? [] : ['the supervisor did not bring the Temporal server back within 90 s']),
      ...(restarts >= 1 ? [] : ['killed, but the supervisor did not restart it']),
      ...(consoleReady ? [] : ['the console never became ready again']),
    ],
    recovery: recoveryOf([k]),
  });
}
