/**
 * The simulated payment provider's ledger: an append-only JSON-lines file of the charges and refunds it
 * has applied. Like a real provider's idempotency keys, each operation applies at most once per key (the
 * order's workflow id): an activity that is retried, or re-run after its worker died between applying
 * the charge and reporting it, gets the recorded outcome back instead of charging again. The drills
 * (npm run drill) read the file to check that claim.
 */
import { appendFileSync, openSync, closeSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';

export type LedgerOp = 'charge' | 'refund';
/** captured/declined answer a charge; refunded/voided a refund (voided: nothing was captured). */
export type LedgerOutcome = 'captured' | 'declined' | 'refunded' | 'voided';

export interface LedgerEntry {
  op: LedgerOp;
  /** Idempotency key: the order's workflow id. */
  key: string;
  outcome: LedgerOutcome;
  /** The activity attempt that applied it: a later attempt that completes the activity was a replay. */
  attempt: number;
  pid: number;
  at: string;
}

export interface PaymentLedger {
  readonly file: string;
  /**
   * Applies `op` for `key` unless it was applied before. `decide` picks the outcome from the key's earlier
   * entries (a refund depends on the charge). Returns the entry that stands and whether it was already there.
   */
  apply(op: LedgerOp, key: string, attempt: number, decide: (earlier: LedgerEntry[]) => LedgerOutcome): Promise<{ entry: LedgerEntry; replayed: boolean }>;
}

/** A lock older than this belongs to a process that died inside the (sub-millisecond, synchronous) critical section. */
const STALE_LOCK_MS = 2000;
const LOCK_RETRY_MS = 2;

export function openLedger(file: string): PaymentLedger {
  const lock = `${file}.lock`;
  return {
    file,
    async apply(op, key, attempt, decide) {
      // Check-then-append must be atomic across worker processes (an old attempt may still run while
      // its retry starts elsewhere): a lock file created with O_EXCL guards the synchronous section below.
      await acquire(lock);
      try {
        const earlier = readLedger(file).filter((e) => e.key === key);
        const existing = earlier.find((e) => e.op === op);
        if (existing) return { entry: existing, replayed: true };
        const entry: LedgerEntry = { op, key, outcome: decide(earlier), attempt, pid: process.pid, at: new Date().toISOString() };
        // One write(2) with O_APPEND: a SIGKILL leaves either the whole line or none of it.
        appendFileSync(file, `${JSON.stringify(entry)}\n`);
        return { entry, replayed: false };
      } finally {
        unlinkSync(lock);
      }
    },
  };
}

/** Every entry in the file (none when it does not exist yet). */
export function readLedger(file: string): LedgerEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LedgerEntry);
}

async function acquire(lock: string): Promise<void> {
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (isStale(lock)) {
      try {
        unlinkSync(lock);
      } catch {
        // Another waiter removed it first.
      }
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
  }
}

function isStale(lock: string): boolean {
  try {
    return Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS;
  } catch {
    return false; // gone already: try again at once
  }
}
