/**
 * Cold start: seconds from `npm start` to its "Ready in" line (dev server, gateway, workers and console
 * all up), on free ports with an empty state directory and the Temporal CLI already cached. Then Ctrl-C,
 * sent as a terminal sends it (SIGINT to the whole process group), and a check that nothing is left: no
 * process of the group, every port free again.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { probePort } from '../../src/temporal/devserver.js';
import { freePortsEnv, portsOf } from './local-stack.js';
import { ROOT } from './stack.js';

export interface ColdStart {
  /** Until the "Ready in" line; undefined if it never came. */
  readySeconds: number | undefined;
  /** Until the console's /healthz first answered 200 (it is up before the workers are). */
  healthzSeconds: number | undefined;
  /** Whatever was still there after Ctrl-C: processes, ports. Empty is the goal. */
  leftovers: string[];
}

export async function measureColdStart(timeoutMs = 90_000): Promise<ColdStart> {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'order-demo-cold-'));
  const env: Record<string, string> = { ...(await freePortsEnv()), TEMPORAL_DEV_STATE_DIR: stateDir, ORDER_DEMO_PGLITE_DIR: path.join(stateDir, 'pglite') };
  // A presenter's TEMPORAL_ADDRESS (or profile) would make `npm start` use their server instead of starting one.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TEMPORAL_') || name === 'TEMPORAL_CLI_PATH'));
  const started = performance.now();
  const since = () => (performance.now() - started) / 1000;
  // Its own process group, so that SIGINT reaches npm, the shell, the launcher and its children like Ctrl-C does.
  const child = spawn('npm', ['start'], { cwd: ROOT, env: { ...inherited, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const group = child.pid!;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const ready = new Promise<number>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready in/.test(output)) resolve(since());
    }),
  );
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));

  let healthzSeconds: number | undefined;
  let polling = true;
  const poll = (async () => {
    while (polling && healthzSeconds === undefined) {
      const res = await fetch(`http://127.0.0.1:${env.WEB_PORT}/healthz`).catch(() => undefined);
      if (res?.status === 200) healthzSeconds = since();
      await sleep(100);
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const readySeconds = await Promise.race([ready, exited.then(() => undefined), new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs)))]);
  clearTimeout(timer);
  polling = false;
  await poll;

  const leftovers: string[] = [];
  if (readySeconds === undefined) leftovers.push(`never ready; its last output:\n${output.split('\n').slice(-15).join('\n')}`);
  signalGroup(group, 'SIGINT');
  if (!(await groupGone(group, 30_000))) {
    leftovers.push(...listGroup(group).map((p) => `process still running after Ctrl-C: ${p}`));
    signalGroup(group, 'SIGKILL'); // not ours to leave behind
    await groupGone(group, 5000);
  }
  await exited;
  for (const port of portsOf(env)) {
    await probePort(port).catch(() => leftovers.push(`port ${port} still taken after Ctrl-C`));
  }
  rmSync(stateDir, { recursive: true, force: true });
  return { readySeconds, healthzSeconds, leftovers };
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    // The group is empty already.
  }
}

async function groupGone(group: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(-group, 0);
    } catch {
      return true;
    }
    await sleep(100);
  }
  return false;
}

function listGroup(group: number): string[] {
  const ps = spawnSync('ps', ['-eo', 'pgid=,pid=,args='], { encoding: 'utf8' });
  return ps.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pgid]) => pgid === String(group))
    .map(([, pid, ...args]) => `${pid} ${args.join(' ')}`);
}
