/**
 * `npm run drill`: breaks a running demo on purpose (worker SIGKILLs, server restart, console restart
 * under viewers, server frozen) and prints what survived. Exits non-zero if an order was lost or a
 * payment applied twice. Runs on free ports with throw-away state; leaves nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { consoleRestartDrill, drillPassed, serverPauseDrill, serverRestartDrill, workerKillDrill, type DrillResult } from './lib/drill.js';
import { startLocalStack, type LocalStack } from './lib/local-stack.js';
import { formatTable, mark } from './lib/table.js';

const say = (line: string): void => console.log(`[drill] ${line}`);
/** Fast enough to finish in minutes, slow enough that kills land mid-order. */
const PACE = { timeScale: 0.2, humanWaitSeconds: 3 };

async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'order-drill-'));
  const ledger = path.join(dir, 'payments.jsonl');
  let ls: LocalStack | undefined;
  process.once('SIGINT', () => void ls?.stop().finally(() => process.exit(130)));
  const results: DrillResult[] = [];
  try {
    say('Starting the demo on free ports (persistent server state in a temporary directory, payment ledger on)...');
    // The RecoverableFailure fix is deployed so that scenario ends by itself like the others.
    ls = await startLocalStack({ persistent: true, env: { ORDER_DEMO_LEDGER_FILE: ledger, ORDER_DEMO_FIX_DEPLOYED: 'true' } });
    const drills: [string, (s: LocalStack) => Promise<DrillResult>][] = [
      ['50 mixed orders, orders worker SIGKILLed 5 times', (s) => workerKillDrill(s, { orders: 50, kills: 5, pace: PACE, say })],
      ['Temporal server restarted on its state', (s) => serverRestartDrill(s, { orders: 18, downSeconds: 5, pace: PACE, say })],
      ['console restarted under 20 viewers', (s) => consoleRestartDrill(s, { viewers: 20, holdSeconds: 15, timeScale: PACE.timeScale, say })],
      ['Temporal server unreachable for 10 s', (s) => serverPauseDrill(s, { pauseSeconds: 10, orders: 9, pace: PACE, say })],
    ];
    for (const [title, drill] of drills) {
      say(`Drill: ${title}`);
      results.push(await drill(ls).catch((err: unknown) => crashed(title, err)));
    }
  } finally {
    await ls?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${formatTable(
    ['Drill', 'Lost', 'Duplicated', 'Time', 'Result', 'What survived'],
    results.map((r) => [r.name, String(r.lost), String(r.duplicated), `${r.seconds.toFixed(0)} s`, mark(drillPassed(r)), r.survived]),
  )}\n`);
  for (const problem of results.flatMap((r) => r.problems.map((p) => `${r.name}: ${p}`))) console.log(`  ! ${problem}`);
  console.log(`Drills finished in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  process.exitCode = results.every(drillPassed) ? 0 : 1;
}

function crashed(name: string, err: unknown): DrillResult {
  return { name, survived: 'the drill itself failed', lost: 0, duplicated: 0, problems: [(err as Error).stack ?? String(err)], seconds: 0 };
}

main().catch((err: unknown) => {
  console.error('[drill] The drills could not run:', err);
  process.exit(1);
});
