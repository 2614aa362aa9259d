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
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
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

async function ctrlC(run: Launch): Promise<void> {
  const pgid = run.child.pid!;
  process.kill(-pgid, 'SIGINT');
  expect(await run.exited).toBe(0);
  await eventually('every process of the demo to exit', () => !groupAlive(pgid), 30_000);
}

function portFree(port: number): Promise<boolean> {
  return probePort(port).then(
    () => true,
    () => false,
  );
}

describe('npm start', () => {
  it('brings the demo up, keeps orders across a restart, and Ctrl-C leaves nothing behind', async () => {
    const ports = await freePorts();
    const env = { ...ports, TEMPORAL_DEV_STATE_DIR: stateDir };
    const consoleUrl = `http://127.0.0.1:${ports.WEB_PORT}`;

    const first = launch(env);
    await eventually('"Ready in" from the launcher', () => first.output().includes('Ready in'), 120_000);
    expect(first.output()).toContain(`Order demo console  ${consoleUrl}`);
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

    // Same state folder: the order placed before the restart is still there.
    const second = launch(env);
    await eventually('"Ready in" after a restart', () => second.output().includes('Ready in'), 120_000);
    const page = await (await fetch(`${consoleUrl}/orders/777001`)).text();
    expect(page).toContain('data-outcome="completed"');
    expect(page).toContain('9 Launch Lane');
    await ctrlC(second);
  });

  it('explains a port that is already taken, without a stack trace', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const run = launch({ ...(await freePorts()), TEMPORAL_DEV_PORT: String(taken), TEMPORAL_DEV_STATE_DIR: stateDir });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`Port ${taken} (Temporal dev server) is already in use`);
      expect(run.output()).toContain('TEMPORAL_DEV_PORT');
      expect(run.output()).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it('explains an unreachable configured server, without a stack trace', async () => {
    const closed = await probePort(0);
    const run = launch({ ...(await freePorts()), TEMPORAL_ADDRESS: `127.0.0.1:${closed}` });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`Cannot reach the Temporal server at 127.0.0.1:${closed}`);
    expect(run.output()).not.toMatch(/\n\s+at /);
  });
});
