/**
 * `npm run drill`: breaks a running demo on purpose, as a presenter meets it (SIGKILL of each part under the
 * supervisor, the server stopped and frozen, the worker's API key revoked for a minute, `npm start` itself
 * killed) and prints what survived and how soon it recovered. Exits non-zero if an order was lost or a
 * payment applied twice. Runs on free ports with throw-away state; leaves nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureCli } from '../src/temporal/cli.js';
import { consoleKillDrill, serverPauseDrill, serverRestartDrill, workerKillDrill } from './lib/drill.js';
import { serverKillDrill, shippingKillDrill } from './lib/drill-crash.js';
import { keyOutageDrill } from './lib/drill-key.js';
import { launcherKillDrill } from './lib/drill-launcher.js';
import { crashedDrill, drillPassed, formatResults, type DrillResult } from './lib/drill-report.js';
import { startLocalStack, type LocalStack } from './lib/local-stack.js';
import { ROOT } from './lib/stack.js';

const say = (line: string): void => console.log(`[drill] ${line}`);
/** The supervisor's lines about crashes and restarts, as `npm start` prints them (not the server's log), and a retried start-up. */
const supervisorSays = (line: string): void => {
  if (/^The .*(stopped unexpectedly|is back|could not start again)|^Start-up failed/.test(line)) say(`    ${line}`);
};
/** Fast enough to finish in minutes, slow enough that kills land mid-order. */
const PACE = { timeScale: 0.2, humanWaitSeconds: 3 };

type Drill = [string, (s: LocalStack) => Promise<DrillResult>];

const STACK_DRILLS: Drill[] = [
  ['50 mixed orders, orders worker SIGKILLed 5 times', (s) => workerKillDrill(s, { orders: 50, kills: 5, pace: PACE, say })],
  ['12 NexusOperation orders, shipping worker SIGKILLed', (s) => shippingKillDrill(s, { orders: 12, pace: PACE, say })],
  ['console SIGKILLed under 20 viewers', (s) => consoleKillDrill(s, { viewers: 20, holdSeconds: 15, timeScale: PACE.timeScale, say })],
  ['18 mixed orders, Temporal server SIGKILLed', (s) => serverKillDrill(s, { orders: 18, pace: PACE, say })],
  ['Temporal server stopped for 5 s, restarted on its state', (s) => serverRestartDrill(s, { orders: 18, downSeconds: 5, pace: PACE, say })],
  ['Temporal server unreachable for 10 s', (s) => serverPauseDrill(s, { pauseSeconds: 10, orders: 9, pace: PACE, say })],
  // Last on this stack: a worker that did not survive the outage would spoil the drills after it.
  ['12 mixed orders, the worker\'s API key revoked for 60 s, then rotated', (s) => keyOutageDrill(s, { orders: 12, outageSeconds: 60, pace: PACE, say })],
];

async function main(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'order-drill-'));
  let ls: LocalStack | undefined;
  process.once('SIGINT', () => void (ls?.stop() ?? Promise.resolve()).finally(() => process.exit(130)));
  const results: DrillResult[] = [];
  let cliPath: string | undefined;
  try {
    say('Starting the demo on free ports under its supervisor (persistent server state and the embedded database in temporary directories)...');
    // The RecoverableFailure fix is deployed so that scenario ends by itself like the others. Error logs only:
    // the in-process gateway would otherwise print each refused call of the key drill, which reports them itself.
    ls = await startLocalStack({ persistent: true, supervise: true, say: supervisorSays, env: { ORDER_DEMO_FIX_DEPLOYED: 'true', LOG_LEVEL: 'error' } });
    cliPath = (await ensureCli({ root: ROOT, explicitPath: ls.config.devServer.cliPath, say: () => undefined })).path;
    for (const [title, drill] of STACK_DRILLS) {
      say(`Drill: ${title}`);
      results.push(await drill(ls).catch((err: unknown) => crashedDrill(title, err)));
    }
    await ls.stop();
    ls = undefined;
    // On its own: two whole demos in a row (the killed one and its successor) need the machine's two cores.
    const title = '14 orders placed through the console, npm start (launcher) SIGKILLed';
    say(`Drill: ${title}`);
    results.push(await launcherKillDrill({ orders: 14, timeScale: PACE.timeScale, cliPath, workDir: dir, say }).catch((err: unknown) => crashedDrill(title, err)));
  } finally {
    await ls?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${formatResults(results)}\n`);
  for (const problem of results.flatMap((r) => r.problems.map((p) => `${r.name}: ${p}`))) console.log(`  ! ${problem}`);
  console.log('Recovery: seconds from each break to the part serving again ("back") and to the first work done on the orders ("moving").');
  console.log(`Drills finished in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  process.exitCode = results.every(drillPassed) ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error('[drill] The drills could not run:', err);
  process.exit(1);
});
