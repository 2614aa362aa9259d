/**
 * The order told in words a room understands, not in the SDK's: the status pill, step states (undo steps
 * read as undos), what failed and why, and the wait before the next retry. Pure, and a leaf module: the
 * step timeline and the view take their words from here.
 */
import { ACTIVITY } from '../../temporal/contract.js';
import type { FailureInfo } from './failures.js';
import type { StepState } from './steps.js';
import type { OrderPhase, OrderView } from './view.js';

/** What the order is doing, as the pill next to the progress bar says it. */
export type StatusKind =
  | 'running' | 'waiting-for-you' | 'stuck' | 'compensating' | 'retrying' | 'waiting-for-worker'
  | Exclude<OrderPhase, 'running'>;
/** The colour family of the pill and the progress bar. */
export type Tone = 'active' | 'attention' | 'ok' | 'warn' | 'danger';

export interface StatusPill {
  kind: StatusKind;
  label: string;
  tone: Tone;
}

const PHASE_LABELS: Record<OrderPhase, string> = {
  running: 'Running', completed: 'Completed', failed: 'Failed', terminated: 'Terminated', timed_out: 'Timed out',
  cancelled: 'Cancelled', continued_as_new: 'Continued as new',
};
const PHASE_TONES: Record<OrderPhase, Tone> = {
  running: 'active', completed: 'ok', failed: 'danger', terminated: 'danger', timed_out: 'danger',
  cancelled: 'warn', continued_as_new: 'active',
};

export function phaseLabel(phase: OrderPhase): string {
  return PHASE_LABELS[phase];
}

/**
 * The one thing the room should know about a running order, most pressing first: a bug holds it, no worker
 * takes its tasks, it is undoing its steps, it waits for the presenter, an activity waits to retry.
 */
export function statusPill(
  v: Pick<OrderView, 'phase' | 'stuck' | 'waitingForWorker' | 'awaitingAddress' | 'compensations' | 'steps'>,
): StatusPill {
  if (v.phase !== 'running') return { kind: v.phase, label: PHASE_LABELS[v.phase], tone: PHASE_TONES[v.phase] };
  if (v.stuck) return { kind: 'stuck', label: 'Stuck: bug in the code', tone: 'warn' };
  if (v.waitingForWorker) return { kind: 'waiting-for-worker', label: 'Waiting for a worker', tone: 'warn' };
  if (v.compensations.length > 0) return { kind: 'compensating', label: 'Compensating', tone: 'danger' };
  if (v.awaitingAddress) return { kind: 'waiting-for-you', label: 'Waiting for you', tone: 'attention' };
  if (v.steps.some((s) => s.state === 'retrying')) return { kind: 'retrying', label: 'Retrying', tone: 'warn' };
  return { kind: 'running', label: 'Running', tone: 'active' };
}

const STEP_LABELS: Record<StepState, string> = {
  pending: 'Not started', running: 'Running', retrying: 'Retrying', completed: 'Done', failed: 'Failed',
  'timed-out': 'Timed out', cancelled: 'Cancelled', terminated: 'Terminated',
};
/** A compensation undoes a step: "Done" in green would read as progress. */
const UNDO_LABELS: Record<StepState, string> = {
  ...STEP_LABELS, running: 'Undoing', retrying: 'Retrying the undo', completed: 'Undone', failed: 'Undo failed',
};

export function stepStateLabel(state: StepState, undo = false): string {
  return (undo ? UNDO_LABELS : STEP_LABELS)[state];
}

/** Every activity of the contract flow by the name the timeline gives its step. */
export const ACTIVITY_LABELS: Record<string, string> = {
  [ACTIVITY.getItems]: 'Get items',
  [ACTIVITY.checkFraud]: 'Check fraud',
  [ACTIVITY.prepareShipment]: 'Prepare shipment',
  [ACTIVITY.chargeCustomer]: 'Charge customer',
  [ACTIVITY.shipOrder]: 'Ship order',
  [ACTIVITY.undoChargeCustomer]: 'Undo charge (refund)',
  [ACTIVITY.undoPrepareShipment]: 'Undo shipment preparation',
};

const TIMEOUT_WORDS: Record<string, string> = {
  START_TO_CLOSE: 'start-to-close',
  SCHEDULE_TO_START: 'schedule-to-start',
  SCHEDULE_TO_CLOSE: 'schedule-to-close',
  HEARTBEAT: 'heartbeat',
};

export interface FailureWords {
  /** What failed and why: "Charge customer failed: Invalid credit card number". */
  headline: string;
  /** Why Temporal stopped there, when the failure says. */
  why: string | undefined;
}

/**
 * A workflow's failure as the room reads it. The SDK reports "Activity task failed" around the real
 * error; what failed is the activity (or child workflow, or Nexus operation) named in the chain, and why
 * is the innermost cause.
 */
export function failureWords(f: FailureInfo): FailureWords {
  const source = f.source;
  const subject = !source
    ? 'The workflow'
    : source.kind === 'activity'
      ? ACTIVITY_LABELS[source.name] ?? source.name
      : source.kind === 'child'
        ? `Child workflow ${source.name}`
        : `Nexus operation ${source.name}`;
  if (f.timeoutType) {
    const kind = TIMEOUT_WORDS[f.timeoutType] ?? f.timeoutType.toLowerCase();
    return { headline: `${subject} ran out of time`, why: `It took longer than its ${kind} timeout allows.` };
  }
  const cause = f.rootMessage.trim();
  const headline = cause ? `${subject} failed: ${cause}` : `${subject} failed`;
  const type = f.rootType ? ` (${f.rootType})` : '';
  const why = f.nonRetryable
    ? `The error${type} is marked non-retryable, so Temporal did not try again.`
    : undefined;
  return { headline, why };
}

/**
 * An activity attempt's failure as describe() reports it while the activity waits to retry: an
 * application error's own message, or the SDK's wording of a timeout ("activity StartToClose timeout").
 */
export function plainFailureMessage(message: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  const timeout = /^activity (StartToClose|ScheduleToStart|ScheduleToClose|Heartbeat) timeout$/i.exec(message.trim());
  if (!timeout?.[1]) return message;
  const kind = timeout[1].replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
  return `the attempt ran out of time (its ${kind} timeout)`;
}

/**
 * "next attempt in N s" until an activity's next retry (epoch ms), as console.js goes on counting it
 * down in the browser (data-deadline-format / data-deadline-done on the same element).
 */
export const NEXT_ATTEMPT_FORMAT = 'next attempt in {s} s';
export const NEXT_ATTEMPT_DUE = 'next attempt any moment now';

export function nextAttemptWords(at: number, now: number): string {
  const seconds = Math.ceil((at - now) / 1000);
  return seconds > 0 ? NEXT_ATTEMPT_FORMAT.replace('{s}', String(seconds)) : NEXT_ATTEMPT_DUE;
}

/** A visibility status (RUNNING, TIMED_OUT, TimedOut, Canceled...) as "Running", "Timed out", "Cancelled". */
export function statusLabel(status: string): string {
  const words = status
    .replace(/^WORKFLOW_EXECUTION_STATUS_/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase()
    .replace(/\bcanceled\b/, 'cancelled');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
