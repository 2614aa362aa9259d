/**
 * The credential outage a presenter meets: the orders worker's API key revoked at the gateway (as Temporal
 * Cloud would), left revoked for a minute while orders wait, then a new key issued and handed to the worker
 * over its control channel. Measures, and reports as it is, whether the worker kept its process, what it
 * said of itself meanwhile, and how soon after the new key it polled and the orders moved again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorkerControlClient, type WorkerStatus } from '../../src/temporal/worker-control-client.js';
import { checkOrders, startOrders, type DrillOrder, type DrillPace } from './drill-orders.js';
import { firstTime, lastEndedAt, movingAgain, secondsBetween } from './drill-recovery.js';
import { drillResult, SETTLE_MS, type DrillResult, type Say } from './drill-report.js';
import { requireSupervision, restartsOf } from './drill.js';
import type { LocalStack } from './local-stack.js';

export interface KeyOutageOptions {
  orders: number;
  /** How long the key stays revoked before the new one is handed over. */
  outageSeconds: number;
  pace: DrillPace;
  say: Say;
}

/** What the worker said of itself while its key was revoked (its control channel's /status, every 2 s). */
interface OutageView {
  states: Set<string>;
  reportedNotPolling: boolean;
  /** Most refused polls seen since the revoke. */
  refusedPolls: number;
  unreachable: number;
  refusedBefore: number;
}

export async function keyOutageDrill(ls: LocalStack, o: KeyOutageOptions): Promise<DrillResult> {
  requireSupervision(ls, 'key-outage');
  const gateway = ls.stack.gateway;
  if (!gateway) throw new Error('The key-outage drill needs the key-checking gateway (ORDER_DEMO_GATEWAY, on by default with the dev server).');
  const started = Date.now();
  const control = createWorkerControlClient({ url: ls.config.worker.controlAddress, secret: ls.controlSecret });
  const initial = await control.status();
  const current = gateway.keys.list().find((k) => k.revokedAt === null && k.fingerprint === initial.apiKey?.fingerprint);
  if (!current) throw new Error('The orders worker does not hold a key the gateway issued: nothing to revoke.');
  const restartsBefore = restartsOf(ls, 'orders-worker');
  const problems: string[] = [];

  const orders: DrillOrder[] = await startOrders(ls.client, ls.config.taskQueue, Math.ceil(o.orders / 2), o.pace);
  await sleep(1500);
  gateway.keys.revoke(current.id);
  const revokedAt = Date.now();
  o.say(`  the worker's key revoked at the gateway with ${orders.length} orders in flight; new key in ${o.outageSeconds} s`);
  const view: OutageView = { states: new Set(), reportedNotPolling: false, refusedPolls: 0, unreachable: 0, refusedBefore: initial.pollRejections.count };
  while (Date.now() - revokedAt < o.outageSeconds * 1000) {
    // Orders placed during the outage wait for a worker too, and must complete after it.
    if (orders.length < o.orders && Date.now() - revokedAt > (o.outageSeconds * 1000) / 2) {
      orders.push(...(await startOrders(ls.client, ls.config.taskQueue, o.orders - orders.length, o.pace, undefined, orders.length)));
    }
    observe(view, await control.status().catch(() => undefined));
    await sleep(2000);
  }
  // Anything done after the revoke took hold (2 s for calls already answered) means the key did not stop the worker.
  const movedMeanwhile = await movingAgain(orders, { after: revokedAt + 2000, kind: 'worker', timeoutMs: 0 });
  const restartsDuring = restartsOf(ls, 'orders-worker') - restartsBefore;

  const fresh = gateway.keys.issue('drill: rotated key');
  const rotatedAt = Date.now();
  try {
    await control.setApiKey(fresh.key);
  } catch (err) {
    problems.push(`handing the new key to the worker failed: ${(err as Error).message}`);
  }
  o.say('  new key issued and handed to the worker');
  const pollingAgain = await firstTime(async () => (await control.status().catch(() => undefined))?.polling === true, 90_000);
  const moving = await movingAgain(orders, { after: rotatedAt, kind: 'worker' });
  const checks = await checkOrders(ls.client, orders, ls.systems, Date.now() + SETTLE_MS);
  const allDone = secondsBetween(rotatedAt, await lastEndedAt(orders));

  if (movedMeanwhile !== undefined) problems.push('orders moved while the key was revoked: the outage did not take');
  if (!view.reportedNotPolling) problems.push('the worker never reported "not polling" while its key was revoked');
  if (pollingAgain === undefined) problems.push('the worker did not poll again within 90 s of the new key');
  const states = [...view.states].join(', ') || 'no answer';
  const pollingIn = secondsBetween(rotatedAt, pollingAgain);
  return drillResult({
    name: `API key revoked ${o.outageSeconds} s, then rotated`,
    started,
    checks,
    notes: [
      `${restartsDuring ? `worker process died and was restarted ${restartsDuring} times by the supervisor` : 'worker process kept running'}` +
        ` (${states}; ${view.refusedPolls} refused polls, ${view.reportedNotPolling ? 'reported not polling' : 'never reported not polling'}` +
        `${view.unreachable ? `, control channel unreachable ${view.unreachable} times` : ''})`,
      `new key: ${pollingIn === undefined ? 'not polling again' : `polling again in ${pollingIn.toFixed(1)} s`}, ` +
        `${allDone === undefined ? 'not every order ended' : `every order done in ${allDone.toFixed(1)} s`}`,
    ],
    problems,
    recovery: { back: [pollingIn], moving: [secondsBetween(rotatedAt, moving)] },
  });
}

function observe(view: OutageView, status: WorkerStatus | undefined): void {
  if (!status) {
    view.unreachable++;
    return;
  }
  if (status.workerState) view.states.add(status.workerState);
  if (status.polling === false) view.reportedNotPolling = true;
  view.refusedPolls = Math.max(view.refusedPolls, status.pollRejections.count - view.refusedBefore);
}
