/**
 * `npm start` itself SIGKILLed: scripts/start.ts as a real child process (its own process group, as a
 * terminal runs it) on free ports with a state folder of its own. Orders are placed through its console, the
 * launcher is killed, nothing of it may remain, a new `npm start` on the same state folder must come up at
 * once, and every order must end as its scenario says, each payment applied once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createSystems } from '../../src/db/systems.js';
import { orderWorkflowId, type Scenario } from '../../src/temporal/contract.js';
import { checkOrders, DRILL_SCENARIOS, newOrderId, type DrillOrder } from './drill-orders.js';
import { alive, commandLine, descendants, PART_COMMAND, partPid } from '../../src/process/procs.js';
import { firstTime, movingAgain, secondsBetween } from './drill-recovery.js';
import { drillResult, SETTLE_MS, type DrillResult, type Say } from './drill-report.js';
import { freePortsEnv } from './local-stack.js';
import { ROOT } from './stack.js';
import { within } from './wait.js';

export interface LauncherKillOptions {
  orders: number;
  /** ORDER_DEMO_TIME_SCALE of the launched demo (the console starts the orders). */
  timeScale: number;
  /** The Temporal CLI to give it (no search, no build). */
  cliPath: string;
  /** Where its state folder and embedded database go (the caller removes it). */
  workDir: string;
  say: Say;
}

/** Orders placed through the console wait 60 s for a person in the human-in-the-loop scenarios: left out. */
const LAUNCHER_SCENARIOS: readonly Scenario[] = DRILL_SCENARIOS.filter((s) => !s.startsWith('HumanInLoop'));
/** A killed launcher's parts stop within seconds (the workers on losing the launcher, the server on its death signal). */
const GONE_WITHIN_MS = 10_000;
const READY_WITHIN_MS = 180_000;

interface Launch {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

export async function launcherKillDrill(o: LauncherKillOptions): Promise<DrillResult> {
  const started = Date.now();
  const ports = await freePortsEnv();
  // A clean environment, as on a presenter's machine: nothing of this process's Temporal settings leaks in.
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    TEMPORAL_CLI_PATH: o.cliPath,
    TEMPORAL_DEV_STATE_DIR: mkdtempSync(path.join(o.workDir, 'launcher-state-')),
    ORDER_DEMO_TIME_SCALE: String(o.timeScale),
    ORDER_DEMO_FIX_DEPLOYED: 'true',
    ORDER_DEMO_PGLITE_DIR: mkdtempSync(path.join(o.workDir, 'launcher-pglite-')),
    ...ports,
  };
  const consoleUrl = `http://127.0.0.1:${ports.WEB_PORT}`;
  const launches: Launch[] = [];
  const everyPid = new Map<number, string>();
  let connection: Connection | undefined;
  let db: Database | undefined;
  try {
    const first = launch(env);
    launches.push(first);
    if (!(await ready(first))) throw new Error(`npm start did not become ready:\n${tail(first.output())}`);
    const problems: string[] = [];
    const placed = await placeOrders(consoleUrl, o.orders, problems);
    await sleep(1500);
    const launcher = first.child.pid!;
    const parts = descendants(launcher);
    for (const pid of parts) everyPid.set(pid, commandLine(pid));
    const oldWorker = partPid(launcher, PART_COMMAND['orders-worker']);
    process.kill(launcher, 'SIGKILL');
    const killedAt = Date.now();
    o.say(`  npm start SIGKILLed with ${placed.length} orders in flight (${parts.length} processes under it)`);
    const goneAt = await firstTime(() => !parts.some(alive), GONE_WITHIN_MS);
    const left = parts.filter(alive).map((pid) => `${pid} (${everyPid.get(pid)})`);
    if (left.length) problems.push(`still running ${GONE_WITHIN_MS / 1000} s after the launcher was killed: ${left.join(', ')}`);

    const second = launch(env);
    launches.push(second);
    const readyAt = (await ready(second)) ? Date.now() : undefined;
    if (!readyAt) throw new Error(`npm start did not start again on the same state folder:\n${tail(second.output())}`);
    o.say(`  npm start up again on the same state folder ${((readyAt - killedAt) / 1000).toFixed(1)} s after the kill`);
    if (second.output().includes('left running')) problems.push('the new npm start found a dev server left over from the killed one');

    connection = await Connection.connect({ address: `127.0.0.1:${ports.TEMPORAL_DEV_PORT}` });
    const client = new Client({ connection });
    const orders: DrillOrder[] = placed.map((p) => ({ ...p, handle: client.workflow.getHandle(orderWorkflowId(p.orderId)) }));
    const moving = await movingAgain(orders, { after: killedAt, kind: 'worker', notByPid: oldWorker });
    db = await openDatabase(`postgres://postgres@127.0.0.1:${ports.ORDER_DEMO_PGLITE_PORT}/postgres`, { max: 2 });
    const checks = await checkOrders(client, orders, createSystems(db), Date.now() + SETTLE_MS);
    problems.push(...(await ctrlC(second)));
    const gone = secondsBetween(killedAt, goneAt);
    return drillResult({
      name: 'npm start (launcher) SIGKILLed',
      started,
      checks,
      notes: [
        `${parts.length} processes under it ${gone === undefined ? 'not all gone' : `all gone ${gone.toFixed(1)} s after the kill`}; restarted at once on the same state folder; Ctrl-C then left nothing`,
      ],
      problems,
      recovery: { back: [secondsBetween(killedAt, readyAt)], moving: [secondsBetween(killedAt, moving)] },
    });
  } finally {
    await connection?.close();
    await db?.close();
    // Whatever went wrong, nothing of ours stays: the launchers, then any part still running as it was.
    for (const run of launches) for (const pid of descendants(run.child.pid!)) everyPid.set(pid, commandLine(pid));
    for (const run of launches) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    for (const [pid, cmd] of everyPid) if (alive(pid) && commandLine(pid) === cmd) process.kill(pid, 'SIGKILL');
    rmSync(env.TEMPORAL_DEV_STATE_DIR, { recursive: true, force: true });
  }
}

function launch(env: Record<string, string>): Launch {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: ROOT, detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  // A drill interrupted (Ctrl-C, a crash) takes its launcher along; the launcher's parts then end with it.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  return { child, output: () => output, exited };
}

/** True once it says "Ready in"; false if it exits first or takes too long. */
async function ready(run: Launch): Promise<boolean> {
  await firstTime(() => run.output().includes('Ready in') || run.child.exitCode !== null, READY_WITHIN_MS);
  return run.output().includes('Ready in');
}

/** Places orders as a presenter does, through the console's form; each scenario in turn. */
async function placeOrders(consoleUrl: string, count: number, problems: string[]): Promise<Omit<DrillOrder, 'handle'>[]> {
  const placed: Omit<DrillOrder, 'handle'>[] = [];
  for (let i = 0; i < count; i++) {
    const order = { orderId: newOrderId(), scenario: LAUNCHER_SCENARIOS[i % LAUNCHER_SCENARIOS.length]!, address: `${i + 1} Launcher Lane` };
    const res = await fetch(`${consoleUrl}/orders`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: consoleUrl },
      body: new URLSearchParams({ scenario: order.scenario, orderId: order.orderId, address: order.address }).toString(),
    });
    if (res.status === 303) placed.push(order);
    else problems.push(`the console did not place order ${order.orderId} (${order.scenario}): HTTP ${res.status}`);
  }
  return placed;
}

/** Ctrl-C as a terminal sends it (SIGINT to the process group); returns what went wrong, if anything. */
async function ctrlC(run: Launch): Promise<string[]> {
  const launcher = run.child.pid!;
  const parts = descendants(launcher);
  process.kill(-launcher, 'SIGINT');
  const code = await within<number | null | string>(run.exited, 60_000, 'none within 60 s');
  const gone = await firstTime(() => !parts.some(alive), GONE_WITHIN_MS);
  return [
    ...(code === 0 ? [] : [`Ctrl-C of the restarted npm start: exit ${code}`]),
    ...(gone ? [] : [`processes left after Ctrl-C of the restarted npm start: ${parts.filter(alive).join(', ')}`]),
  ];
}

function tail(output: string): string {
  return output.trim().split('\n').slice(-15).join('\n');
}
