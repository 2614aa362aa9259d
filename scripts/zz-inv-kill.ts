import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalStack } from './lib/local-stack.js';
import { workerKillDrill } from './lib/drill.js';
import { formatResults } from './lib/drill-report.js';
const dir = mkdtempSync(path.join(tmpdir(), 'inv-'));
const say = (l: string) => console.log(new Date().toISOString().slice(11, 23), l);
const ls = await startLocalStack({ persistent: true, supervise: true, say, env: { ORDER_DEMO_LEDGER_FILE: path.join(dir, 'p.jsonl'), ORDER_DEMO_FIX_DEPLOYED: 'true', LOG_LEVEL: 'error' } });
try {
  const r = await workerKillDrill(ls, { orders: 50, kills: 5, pace: { timeScale: 0.2, humanWaitSeconds: 3 }, say });
  console.log(formatResults([r]));
  console.log(r.problems);
} finally { await ls.stop(); }
