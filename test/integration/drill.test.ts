/**
 * The fault drills of `npm run drill`, short: the same code (scripts/lib/drill*.ts) against a whole demo
 * of its own (dev server with its state in a temporary folder, gateway, workers and console as child
 * processes on free ports, under the supervisor as `npm start` runs them), since these drills kill, restart
 * and freeze parts of it. Fails if an order is lost, a payment applied twice, or a killed part was not
 * brought back by the supervisor by itself; timings are reported by the drill, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consoleKillDrill, drillPassed, restartsOf, serverPauseDrill, workerKillDrill, type DrillResult } from '../../scripts/lib/drill.js';
import { serverKillDrill } from '../../scripts/lib/drill-crash.js';
import { startLocalStack, type LocalStack } from '../../scripts/lib/local-stack.js';

const dir = mkdtempSync(path.join(tmpdir(), 'drill-test-'));
const pace = { timeScale: 0.2, humanWaitSeconds: 2 };
const say = (): void => undefined;
let ls: LocalStack;

beforeAll(async () => {
  ls = await startLocalStack({
    persistent: true,
    supervise: true,
    env: {
      TEMPORAL_CLI_PATH: inject('temporalCliPath'),
      ORDER_DEMO_FIX_DEPLOYED: 'true',
    },
  });
}, 120_000);

afterAll(async () => {
  await ls?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** Passed, or the drill's own account of what went wrong as the failure message. */
function expectSurvived(result: DrillResult): void {
  expect({ passed: drillPassed(result), lost: result.lost, duplicated: result.duplicated, problems: result.problems }).toEqual({
    passed: true,
    lost: 0,
    duplicated: 0,
    problems: [],
  });
}

/** Every kill was followed by the part running again, started by the supervisor (the drill never starts it). */
function expectRestartedBySupervisor(result: DrillResult, kills: number): void {
  expect(result.recovery?.back).toHaveLength(kills);
  expect(result.recovery?.back.every((s) => s !== undefined)).toBe(true);
}

describe('fault drills (short)', () => {
  it('8 mixed orders survive 2 SIGKILLs of the orders worker, restarted by the supervisor, each effect applied once (read from the database)', { timeout: 180_000 }, async () => {
    const before = restartsOf(ls, 'orders-worker');
    const result = await workerKillDrill(ls, { orders: 8, kills: 2, pace, say });
    expectSurvived(result);
    expectRestartedBySupervisor(result, 2);
    expect(restartsOf(ls, 'orders-worker') - before).toBeGreaterThanOrEqual(2);
  });

  it('orders survive a SIGKILL of the Temporal dev server, which the supervisor restarts on its saved state', { timeout: 150_000 }, async () => {
    const before = restartsOf(ls, 'temporal');
    const result = await serverKillDrill(ls, { orders: 4, pace, say });
    expectSurvived(result);
    expectRestartedBySupervisor(result, 1);
    expect(restartsOf(ls, 'temporal') - before).toBeGreaterThanOrEqual(1);
  });

  it('3 viewers reconnect after a SIGKILL of the console and see their order complete', { timeout: 120_000 }, async () => {
    const before = restartsOf(ls, 'web');
    expectSurvived(await consoleKillDrill(ls, { viewers: 3, holdSeconds: 8, timeScale: pace.timeScale, say }));
    expect(restartsOf(ls, 'web') - before).toBeGreaterThanOrEqual(1);
  });

  it('a server frozen for 5 s: banner and 503 meanwhile, pages still served, recovery by itself', { timeout: 120_000 }, async () => {
    expectSurvived(await serverPauseDrill(ls, { pauseSeconds: 5, orders: 2, pace, say }));
  });
});
