/** The notification service's table: one message per order run and kind, keyed. */
export const NOTIFICATIONS_SCHEMA = `
CREATE TABLE notifications (
  idempotency_key text PRIMARY KEY,
  workflow_id text NOT NULL,
  run_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('confirmation', 'cancellation')),
  message text NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notifications_by_workflow ON notifications (workflow_id, run_id);
`;
