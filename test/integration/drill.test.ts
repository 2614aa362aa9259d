/**
 * The fault drills of `npm run drill`, short: the same code (scripts/lib/drill.ts) against a whole demo
 * of its own (dev server, gateway, workers and console as child processes on free ports), since these
 * drills kill, restart and freeze parts of it. Fails if an order is lost or a payment applied twice;
 * timings are reported by the drill, never asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { consoleRestartDrill, drillPassed, serverPauseDrill, workerKillDrill, type DrillResult } from '../../scripts/lib/drill.js';
import { startLocalStack, type LocalStack } from '../../scripts/lib/local-stack.js';

const dir = mkdtempSync(path.join(tmpdir(), 'drill-test-'));
const pace = { timeScale: 0.2, humanWaitSeconds: 2 };
const say = (): void => undefined;
let ls: LocalStack;

beforeAll(async () => {
  ls = await startLocalStack({
    env: {
      TEMPORAL_CLI_PATH: inject('temporalCliPath'),
      ORDER_DEMO_LEDGER_FILE: path.join(dir, 'payments.jsonl'),
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

describe('fault drills (short)', () => {
  it('8 mixed orders survive 2 SIGKILLs of the orders worker, each charge and refund applied once', { timeout: 150_000 }, async () => {
    const result = await workerKillDrill(ls, { orders: 8, kills: 2, pace, say });
    expectSurvived(result);
  });

  it('3 viewers reconnect after a console restart and see their order complete', { timeout: 120_000 }, async () => {
    expectSurvived(await consoleRestartDrill(ls, { viewers: 3, holdSeconds: 8, timeScale: pace.timeScale, say }));
  });

  it('a server frozen for 5 s: banner and 503 meanwhile, pages still served, recovery by itself', { timeout: 120_000 }, async () => {
    expectSurvived(await serverPauseDrill(ls, { pauseSeconds: 5, orders: 2, pace, say }));
  });
});
