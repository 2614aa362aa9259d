/**
 * What the console shows of an idempotence order: its title, the home page's card, the note on the order
 * page that says where the crash stands, and "what just happened". Pure, for the pages and the tests.
 */
import { ACTIVITY } from '../temporal/contract.js';
import type { OrderView } from '../web/orders/view.js';
import { IDEMPOTENCE_WORKFLOW_TYPE, isIdempotence, LOST_REPORT_ATTEMPT } from './api.js';

/** The title on the order page and the home card: this console's extension, said so. */
export const IDEMPOTENCE_TITLE = 'Idempotence across a crash';

/** The home page's extension card. */
export const IDEMPOTENCE_CARD = {
  title: IDEMPOTENCE_TITLE,
  watch: "ChargeCustomer's first attempt kills the worker right after the payment provider recorded the charge; the worker comes back, Temporal retries, and the provider's idempotency key charges nothing more: the Effects panel says charged once.",
  workflowType: IDEMPOTENCE_WORKFLOW_TYPE,
} as const;

export const IDEMPOTENCE_HAPPENED =
  "Idempotent retries: the worker died right after the payment provider recorded the charge, before ChargeCustomer could report it; Temporal retried the activity, and the provider's idempotency key made the retry charge nothing. The customer was charged once.";

export type IdempotenceStage = 'before-charge' | 'losing-report' | 'retried' | 'ended';

export interface IdempotenceNote {
  stage: IdempotenceStage;
  text: string;
}

/** Where the order stands in the story, for the note on its page; undefined for any other order. */
export function idempotenceNote(v: Pick<OrderView, 'workflowType' | 'steps' | 'terminal' | 'phase'>): IdempotenceNote | undefined {
  if (!isIdempotence(v.workflowType)) return undefined;
  const charge = v.steps.find((s) => s.key === ACTIVITY.chargeCustomer);
  const attempt = charge?.attempt ?? 0;
  if (attempt > LOST_REPORT_ATTEMPT) {
    const ran = charge?.state === 'completed' ? 'succeeded' : 'is running';
    return {
      stage: 'retried',
      text: `The worker died after the charge, before reporting it. Temporal retried: attempt ${attempt} ${ran}, and the payment provider found the order's idempotency key, so the retry charged nothing (see Effects).`,
    };
  }
  if (v.terminal) return { stage: 'ended', text: 'The order ended before its charge was retried.' };
  if (!charge || charge.state === 'pending') {
    return { stage: 'before-charge', text: "Next: ChargeCustomer's first attempt has the payment provider charge the card, then the worker dies before it can report the charge." };
  }
  return {
    stage: 'losing-report',
    text: "ChargeCustomer, attempt 1: the payment provider records the charge, then the worker dies before reporting it. Temporal has heard nothing: it retries once the attempt's 5 s timeout expires. (A worker with no supervisor to restart it fails the attempt instead, and Temporal retries it the same way.)",
  };
}

/** "What just happened" on a completed idempotence order; undefined for any other order or ending. */
export function idempotenceHappened(v: Pick<OrderView, 'workflowType' | 'phase'>): string | undefined {
  return isIdempotence(v.workflowType) && v.phase === 'completed' ? IDEMPOTENCE_HAPPENED : undefined;
}
