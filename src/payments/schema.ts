/** The payment provider's tables: one row per applied charge or refund, whose primary key is the idempotency key. */
export const PAYMENTS_SCHEMA = `
CREATE TABLE payments (
  idempotency_key text PRIMARY KEY,
  workflow_id text NOT NULL,
  run_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('charge', 'refund')),
  outcome text NOT NULL CHECK (outcome IN ('captured', 'declined', 'refunded', 'voided')),
  amount_cents integer NOT NULL CHECK (amount_cents >= 0),
  attempt integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payments_by_workflow ON payments (workflow_id, run_id);
-- Every request that reached the provider, applied or answered from its key: how often a retry came back.
CREATE TABLE payment_requests (
  id bigserial PRIMARY KEY,
  idempotency_key text NOT NULL,
  attempt integer NOT NULL,
  replayed boolean NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_requests_by_key ON payment_requests (idempotency_key);
`;
