/**
 * The simulated notification service: the customer's confirmation (the payment went through) or
 * cancellation (the order was undone) message, sent at most once per order run and kind.
 */
import type { Database } from '../db/database.js';

export type NotificationKind = 'confirmation' | 'cancellation';

export interface Notification {
  runId: string;
  kind: NotificationKind;
  message: string;
  sentAt: Date;
}

export interface Notifier {
  /** Sends the message unless this run's message of this kind was sent; true when this call sent it. */
  send(caller: { workflowId: string; runId: string }, kind: NotificationKind, message: string): Promise<boolean>;
  sentTo(workflowId: string): Promise<Notification[]>;
}

export function createNotifier(db: Database): Notifier {
  return {
    async send(caller, kind, message) {
      const result = await db.query(
        `INSERT INTO notifications (idempotency_key, workflow_id, run_id, kind, message) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (idempotency_key) DO NOTHING`,
        [`${caller.workflowId}/${caller.runId}/${kind}`, caller.workflowId, caller.runId, kind, message],
      );
      return result.rowCount === 1;
    },
    async sentTo(workflowId) {
      const { rows } = await db.query<{ run_id: string; kind: NotificationKind; message: string; sent_at: Date }>(
        'SELECT run_id, kind, message, sent_at FROM notifications WHERE workflow_id = $1 ORDER BY sent_at',
        [workflowId],
      );
      return rows.map((r) => ({ runId: r.run_id, kind: r.kind, message: r.message, sentAt: r.sent_at }));
    },
  };
}
