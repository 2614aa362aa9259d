/**
 * The simulated payment provider. Like a real one (Stripe's Idempotency-Key), it applies each request at
 * most once per idempotency key: the key is the primary key of the payment row, inserted in the same
 * transaction as the effect, so an activity retried, or re-run after its worker died between the charge
 * and its report, gets the first answer back. The key names the order's workflow id and run id: an OrderId
 * reused after its first order ended is a new order, with a new charge.
 */
import type { Database, Queryable } from '../db/database.js';

export type PaymentKind = 'charge' | 'refund';
/** captured/declined answer a charge; refunded/voided a refund (voided: nothing was captured). */
export type PaymentOutcome = 'captured' | 'declined' | 'refunded' | 'voided';

/** Who asks: the order's run, and which activity attempt is calling. */
export interface PaymentCaller {
  workflowId: string;
  runId: string;
  attempt: number;
}

export interface PaymentAnswer {
  outcome: PaymentOutcome;
  amountCents: number;
  /** True when the key was known: this request changed nothing. */
  replayed: boolean;
}

export interface Payment {
  kind: PaymentKind;
  outcome: PaymentOutcome;
  amountCents: number;
  attempt: number;
  createdAt: Date;
}

export interface PaymentProvider {
  /** Charges `amountCents` (or records the decline the card gets) once per run. */
  charge(caller: PaymentCaller, amountCents: number, decline: boolean): Promise<PaymentAnswer>;
  /** Refunds the run's captured charge once; with nothing captured the refund is a void. */
  refund(caller: PaymentCaller): Promise<PaymentAnswer>;
  /** The payments of one workflow id (every run, oldest first), for the console. */
  paymentsOf(workflowId: string, runId?: string): Promise<(Payment & { runId: string })[]>;
  /** How many requests the provider got for a run's payment of this kind (first ones and retries). */
  requestsOf(workflowId: string, runId: string, kind: PaymentKind): Promise<{ total: number; replayed: number }>;
}

export function paymentKey(caller: Pick<PaymentCaller, 'workflowId' | 'runId'>, kind: PaymentKind): string {
  return `${caller.workflowId}/${caller.runId}/${kind}`;
}

export function createPaymentProvider(db: Database): PaymentProvider {
  return {
    charge: (caller, amountCents, decline) =>
      db.transaction((tx) => apply(tx, caller, 'charge', async () => ({ outcome: decline ? 'declined' : 'captured', amountCents }))),
    refund: (caller) =>
      db.transaction((tx) =>
        apply(tx, caller, 'refund', async () => {
          const { rows } = await tx.query<{ amount_cents: number }>(
            "SELECT amount_cents FROM payments WHERE idempotency_key = $1 AND outcome = 'captured'",
            [paymentKey(caller, 'charge')],
          );
          return rows[0] ? { outcome: 'refunded', amountCents: rows[0].amount_cents } : { outcome: 'voided', amountCents: 0 };
        }),
      ),
    async paymentsOf(workflowId, runId) {
      const { rows } = await db.query<{ run_id: string; kind: PaymentKind; outcome: PaymentOutcome; amount_cents: number; attempt: number; created_at: Date }>(
        'SELECT run_id, kind, outcome, amount_cents, attempt, created_at FROM payments WHERE workflow_id = $1 AND ($2::text IS NULL OR run_id = $2) ORDER BY created_at',
        [workflowId, runId ?? null],
      );
      return rows.map((r) => ({ runId: r.run_id, kind: r.kind, outcome: r.outcome, amountCents: r.amount_cents, attempt: r.attempt, createdAt: r.created_at }));
    },
    async requestsOf(workflowId, runId, kind) {
      const { rows } = await db.query<{ total: string; replayed: string }>(
        'SELECT count(*) AS total, count(*) FILTER (WHERE replayed) AS replayed FROM payment_requests WHERE idempotency_key = $1',
        [paymentKey({ workflowId, runId }, kind)],
      );
      return { total: Number(rows[0]?.total ?? 0), replayed: Number(rows[0]?.replayed ?? 0) };
    },
  };
}

/**
 * Inserts the payment under its key unless the key exists. A concurrent duplicate waits on the key's
 * unique index until the first commits, then finds it: the answer is the first request's either way.
 */
async function apply(
  tx: Queryable,
  caller: PaymentCaller,
  kind: PaymentKind,
  decide: () => Promise<{ outcome: PaymentOutcome; amountCents: number }>,
): Promise<PaymentAnswer> {
  const key = paymentKey(caller, kind);
  const decided = await decide();
  // The payment and the request's log line in one statement (one round trip): replayed when the key was known.
  const logged = await tx.query<{ replayed: boolean }>(
    `WITH applied AS (
       INSERT INTO payments (idempotency_key, workflow_id, run_id, kind, outcome, amount_cents, attempt)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1
     )
     INSERT INTO payment_requests (idempotency_key, attempt, replayed) SELECT $1, $7, NOT EXISTS (SELECT 1 FROM applied) RETURNING replayed`,
    [key, caller.workflowId, caller.runId, kind, decided.outcome, decided.amountCents, caller.attempt],
  );
  const replayed = logged.rows[0]!.replayed;
  if (!replayed) return { ...decided, replayed };
  const { rows } = await tx.query<{ outcome: PaymentOutcome; amount_cents: number }>('SELECT outcome, amount_cents FROM payments WHERE idempotency_key = $1', [key]);
  return { outcome: rows[0]!.outcome, amountCents: rows[0]!.amount_cents, replayed };
}
