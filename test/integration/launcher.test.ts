/**
 * `npm start` as a presenter runs it: scripts/start.ts in its own process group (as a terminal would),
 * on free ports with a temporary state folder. It must come up, keep orders across a restart, stop
 * every process on Ctrl-C, and explain a taken port or an unreachable server in one paragraph.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { alive, PART_COMMAND, partPid } from '../../src/process/procs.js';
import { probePort } from '../../src/temporal/devserver.js';
import { freePortsEnv as freePorts, portsOf } from '../../scripts/lib/local-stack.js';
import { eventually } from '../support/capture.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const stateDir = mkdtempSync(path.join(tmpdir(), 'launcher-state-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

interface Launch {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function launch(env: Record<string, string>): Launch {
  // A clean environment: nothing of the test run's (or a presenter's) Temporal settings leaks in.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    detached: true,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TEMPORAL_CLI_PATH: inject('temporalCliPath'), ORDER_DEMO_TIME_SCALE: '0.05', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // 'close', not 'exit': every line the parts wrote to the shared pipes has been read by then.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The processes the launcher started (its children), by what they run. */
function partsOf(launcherPid: number): Record<'orders' | 'shipping' | 'web' | 'temporal' | 'database', number | undefined> {
  return {
    database: partPid(launcherPid, PART_COMMAND.database),
    orders: partPid(launcherPid, PART_COMMAND['orders-worker']),
    shipping: partPid(launcherPid, PART_COMMAND['shipping-worker']),
    web: partPid(launcherPid, PART_COMMAND.web),
    temporal: partPid(launcherPid, 'start-dev'),
  };
}

async function ctrlC(run: Launch): Promise<void> {
  const pgid = run.child.pid!;
  const parts = Object.values(partsOf(pgid)).filter((pid): pid is number => pid !== undefined);
  process.kill(-pgid, 'SIGINT');
  expect(await run.exited).toBe(0);
  await eventually('every process of the demo to exit', () => !groupAlive(pgid) && !parts.some(alive), 30_000);
}

async function placeOrder(consoleUrl: string, orderId: string, scenario = 'HappyPath'): Promise<void> {
  const placed = await fetch(`${consoleUrl}/orders`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: consoleUrl },
    body: `scenario=${scenario}&orderId=${orderId}&address=9+Launch+Lane`,
  });
  expect(placed.status).toBe(303);
}

async function completed(consoleUrl: string, orderId: string): Promise<void> {
  await eventually(`order ${orderId} to complete`, async () => (await (await fetch(`${consoleUrl}/orders/${orderId}`)).text()).includes('data-outcome="completed"'), 120_000);
}

async function post(consoleUrl: string, path: string, body = ''): Promise<Response> {
  return fetch(`${consoleUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: consoleUrl, 'hx-request': 'true' },
    body,
  });
}

function portFree(port: number): Promise<boolean> {
  return probePort(port).then(
    () => true,
    () => false,
  );
}

// Whole launches of the demo, several per test: generous limits for a shared two-core machine.
describe('npm start', { timeout: 300_000 }, () => {
  it('brings the demo up, keeps orders across a restart, and Ctrl-C leaves nothing behind', async () => {
    const ports = await freePorts();
    // Info logs: the workers' "stopped" lines are what shows they drained.
    const env = { ...ports, TEMPORAL_DEV_STATE_DIR: stateDir, ORDER_DEMO_PGLITE_DIR: path.join(stateDir, 'pglite'), LOG_LEVEL: 'info' };
    const consoleUrl = `http://127.0.0.1:${ports.WEB_PORT}`;

    const first = launch(env);
    await eventually('"Ready in" from the launcher', () => first.output().includes('Ready in'), 120_000);
    expect(first.output()).toContain(`Order demo console  ${consoleUrl}`);
    expect(first.output()).toContain('Created the restock schedule order-demo-restock');
    expect(first.output()).toContain(`Temporal Web UI     http://localhost:${ports.TEMPORAL_DEV_UI_PORT}`);
    expect((await fetch(`http://localhost:${ports.TEMPORAL_DEV_UI_PORT}/`)).status).toBe(200);

    const placed = await fetch(`${consoleUrl}/orders`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: consoleUrl },
      body: 'scenario=HappyPath&orderId=777001&address=9+Launch+Lane',
    });
    expect(placed.status).toBe(303);
    await eventually('the order to complete', async () => (await (await fetch(`${consoleUrl}/orders/777001`)).text()).includes('data-outcome="completed"'), 120_000);
    await ctrlC(first);
    for (const port of portsOf(ports)) expect(await portFree(port)).toBe(true);
    // One ordered stop: each worker drains and says so, none is cut short by a second signal.
    expect(first.output()).toContain('Orders worker stopped');
    expect(first.output()).toContain('Shipping worker stopped');
    expect(first.output()).not.toContain('stopping (SIGINT)');

    // Same state folder: the order placed before the restart is still there.
    const second = launch(env);
    await eventually('"Ready in" after a restart', () => second.output().includes('Ready in'), 120_000);
    // The server kept the schedule: a restart leaves it as it is.
    expect(second.output()).not.toContain('Created the restock schedule');
    const page = await (await fetch(`${consoleUrl}/orders/777001`)).text();
    expect(page).toContain('data-outcome="completed"');
    expect(page).toContain('9 Launch Lane');
    // The embedded database (its own supervised part) kept the outside world's records across the restart.
    expect(page).toMatch(/data-testid="effect-charge">Charged \$205 once — ChargeCustomer ran once</);
    expect(page).toContain('data-testid="effect-message-confirmation"');
    // The console links the Temporal UI that npm start runs: this order's own run, straight to its history.
    const uiLink = new RegExp(`href="(http://localhost:${ports.TEMPORAL_DEV_UI_PORT}/namespaces/default/workflows/order-777001/[0-9a-f-]{36}/history)"[^>]*data-testid="temporal-ui-link"`).exec(page);
    expect(uiLink?.[1], 'the order page links the Temporal UI').toBeDefined();
    expect((await fetch(uiLink![1]!)).status).toBe(200);
    await ctrlC(second);
  });

  it('restarts any part killed with SIGKILL, and the console can kill and start the worker', async () => {
    const ports = await freePorts();
    const killDir = mkdtempSync(path.join(tmpdir(), 'launcher-kill-'));
    const env = { ...ports, TEMPORAL_DEV_STATE_DIR: killDir, ORDER_DEMO_PGLITE_DIR: path.join(killDir, 'pglite') };
    const consoleUrl = `http://127.0.0.1:${ports.WEB_PORT}`;
    const run = launch(env);
    try {
      await eventually('"Ready in" from the launcher', () => run.output().includes('Ready in'), 120_000);
      const launcher = run.child.pid!;
      expect(run.output()).not.toContain('another terminal');

      // Each part, killed as `kill -9` would: the supervisor says so and brings it back by itself.
      for (const [part, label] of [['orders', 'orders worker'], ['temporal', 'Temporal server'], ['web', 'console'], ['shipping', 'shipping worker'], ['database', 'embedded database']] as const) {
        const pid = partsOf(launcher)[part];
        expect(pid, `${part} is running`).toBeDefined();
        process.kill(pid!, 'SIGKILL');
        await eventually(`the ${label} to be back`, () => run.output().includes(`The ${label} is back`) && partsOf(launcher)[part] !== undefined && partsOf(launcher)[part] !== pid, 60_000);
        expect(run.output()).toContain(`The ${label} stopped unexpectedly (SIGKILL)`);
      }
      // Back with the same secrets and the current key: an order placed now completes through the gateway,
      // and the control channel (API key panel, Deploy fix) still answers the console.
      await placeOrder(consoleUrl, '778001');
      await completed(consoleUrl, '778001');
      // The embedded database came back on its folder and port: the effects were recorded through it.
      expect(await (await fetch(`${consoleUrl}/orders/778001`)).text()).toMatch(/data-testid="effect-charge">Charged \$205 once/);
      const keyPanel = await (await fetch(`${consoleUrl}/api-key/status`)).text();
      expect(keyPanel).toContain('data-available="true"');
      expect(keyPanel).toContain('data-testid="key-fingerprint"');
      expect((await post(consoleUrl, '/worker/deploy-fix', 'orderId=778001')).status).toBe(200);

      // The console's durability controls: kill the worker mid-order, the order waits, start it, it completes.
      await placeOrder(consoleUrl, '778002', 'APIFailure');
      const killed = await post(consoleUrl, '/durability/kill-worker', 'orderId=778002');
      expect(killed.status).toBe(200);
      expect(await killed.text()).toContain('The orders worker was killed.');
      const down = await (await fetch(`${consoleUrl}/durability?orderId=778002`)).text();
      // The refresh answers the live region alone (it replaces itself; a whole panel would nest).
      expect(down.trim()).toMatch(/^<div id="durability-live"/);
      expect(down).toContain('data-testid="worker-down"');
      expect(down).toContain('data-testid="part-orders-worker" data-state="stopped"');
      const startedAgain = await post(consoleUrl, '/durability/start-worker', 'orderId=778002');
      expect(startedAgain.status).toBe(200);
      expect(await startedAgain.text()).toContain('The orders worker was started.');
      await completed(consoleUrl, '778002');
      expect((await (await fetch(`${consoleUrl}/durability`)).text())).not.toContain('data-testid="worker-down"');

      // Killing the launcher itself takes everything with it, and `npm start` starts again at once.
      const parts = Object.values(partsOf(launcher)).filter((pid): pid is number => pid !== undefined);
      expect(parts).toHaveLength(5);
      process.kill(launcher, 'SIGKILL');
      await eventually('every part to end with the launcher', () => !parts.some(alive), 10_000);
      const again = launch(env);
      await eventually('"Ready in" after the launcher was killed', () => again.output().includes('Ready in') || again.child.exitCode !== null, 120_000);
      expect(again.output()).toContain('Ready in');
      await ctrlC(again);
    } finally {
      if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    }
  });

  it('explains a port that is already taken, without a stack trace', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const run = launch({ ...(await freePorts()), TEMPORAL_DEV_PORT: String(taken), TEMPORAL_DEV_STATE_DIR: stateDir, ORDER_DEMO_PGLITE_DIR: path.join(stateDir, 'pglite') });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`Port ${taken} (Temporal dev server) is already in use`);
      expect(run.output()).toContain('TEMPORAL_DEV_PORT');
      expect(run.output()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it('explains an unreachable DATABASE_URL in one paragraph, without a stack trace or its password', async () => {
    const closed = await probePort(0);
    const run = launch({ ...(await freePorts()), TEMPORAL_DEV_STATE_DIR: stateDir, DATABASE_URL: `postgres://demo:pa55-w0rd-x@127.0.0.1:${closed}/orders` });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`Cannot reach the database at 127.0.0.1:${closed}/orders`);
    expect(run.output()).not.toContain('pa55-w0rd-x');
    expect(run.output()).not.toMatch(/\n\s+at /);
  });

  it('explains an unreachable configured server, without a stack trace', async () => {
    const closed = await probePort(0);
    const run = launch({ ...(await freePorts()), TEMPORAL_ADDRESS: `127.0.0.1:${closed}` });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`Cannot reach the Temporal server at 127.0.0.1:${closed}`);
    expect(run.output()).not.toMatch(/\n\s+at /);
  });
});
