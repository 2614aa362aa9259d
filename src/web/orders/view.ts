/**
 * Everything the order page shows, as one plain object built from describe() + the history facts +
 * whatever the worker answered to queries. Pure, so every ending can be tested from recorded data.
 */
import {
  ACTIVITY,
  PROGRESS,
  SIMULATED_BUG_MESSAGE,
  addressOf,
  updateOrderSignal,
  updateOrderUpdate,
} from '../../temporal/contract.js';
import type { OrderResult, Scenario } from '../../temporal/contract.js';
import type { OrderDescription } from '../../temporal/client.js';
import type { OrderState } from '../../workflows/extras.js';
import type { FulfilmentState } from '../../fulfilment/api.js';
import { fulfilmentOf, fulfilmentPill } from '../../fulfilment/view.js';
import { isRecord } from './history.js';
import type { CodeLocation, FailureInfo } from './failures.js';
import type { HistoryFacts } from './history.js';
import { cancelOption } from './cancel.js';
import type { CancelOption } from './cancel.js';
import { compensationSteps, mainSteps } from './steps.js';
import { updateAnswerText } from '../update-answers.js';
import type { StepContext, StepView } from './steps.js';
import { statusPill } from './wording.js';
import type { StatusPill } from './wording.js';

export type OrderPhase = 'running' | 'completed' | 'failed' | 'terminated' | 'timed_out' | 'cancelled' | 'continued_as_new';

export interface AddressChange {
  via: 'signal' | 'update';
  address: string;
  /** The workflow's answer to an update ("Updated address: ..."). */
  answer: string | undefined;
}

export interface OrderView {
  orderId: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  scenario: Scenario | undefined;
  namespace: string;
  phase: OrderPhase;
  terminal: boolean;
  progress: number;
  /** The OrderStatus search attribute, when the scenario sets it. */
  orderStatus: string | undefined;
  steps: StepView[];
  compensations: StepView[];
  originalAddress: string;
  address: string;
  addressChanges: AddressChange[];
  /** Human in the loop: the workflow waits for UpdateOrder until `deadline` (epoch ms, when known). */
  awaitingAddress: { via: 'signal' | 'update'; deadline: number | undefined } | undefined;
  /** Human in the loop: the wait's timer fired with no new address, so the order ships to the original one. */
  addressTimedOut: { waitedSeconds: number } | undefined;
  /** The workflow task keeps failing (RecoverableFailure's bug): the order is stuck until a fix is deployed. */
  stuck: StuckView | undefined;
  /** A workflow task has waited a while for a worker: probably none is running. */
  waitingForWorker: boolean;
  result: OrderResult | undefined;
  failure: FailureInfo | undefined;
  terminatedReason: string | undefined;
  startedAt: Date;
  closedAt: Date | undefined;
  /** The pill next to the progress bar: what the order is doing, in a word or three. */
  status: StatusPill;
  /** Whether the presenter may cancel the order now, and if not, why (see cancel.ts). */
  cancel: CancelOption;
  /** Fulfilment with couriers only: each shipment's state and the amendment (src/fulfilment/view.ts). */
  fulfilment: FulfilmentState | undefined;
}

export interface StuckView {
  message: string;
  attempts: number | undefined;
  simulatedBug: boolean;
  /** Where the code threw, when the failure's stack trace says (any SDK's trace format). */
  where: CodeLocation | undefined;
  /** How long the current attempt lasts before Temporal tries again (ms). */
  retryEveryMs: number;
  /** The server lengthens each attempt after the third (unless told not to, as `npm start`'s dev server is). */
  slowingDown: boolean;
  /** Epoch ms of the next attempt, estimated; undefined while no worker has picked the task up. */
  nextRetryAt: number | undefined;
}

export interface LiveAnswers {
  /** getProgress, when asked and answered. */
  progress?: number;
  /** getOrderState, when the worker has it. */
  state?: OrderState;
}

const PHASES: Record<string, OrderPhase> = {
  COMPLETED: 'completed', FAILED: 'failed', TERMINATED: 'terminated', TIMED_OUT: 'timed_out',
  CANCELLED: 'cancelled', CONTINUED_AS_NEW: 'continued_as_new',
};
const HUMAN_CHANNEL: Partial<Record<Scenario, 'signal' | 'update'>> = { HumanInLoopSignal: 'signal', HumanInLoopUpdate: 'update' };
/** How long a workflow task may wait unstarted before the page says no worker seems to be running. */
const NO_WORKER_AFTER_MS = 5000;

export function buildOrderView(
  d: OrderDescription, facts: HistoryFacts, live: LiveAnswers, ctx: Omit<StepContext, 'orderId'>, now = Date.now(),
): OrderView {
  const phase = PHASES[d.status] ?? 'running';
  const running = phase === 'running';
  const close = facts.close;
  const result = close?.kind === 'completed' && isRecord(close.result) ? (close.result as unknown as OrderResult) : undefined;
  const originalAddress = typeof facts.input?.Address === 'string' ? facts.input.Address : '';
  const addressChanges = changesOf(facts);
  const steps = mainSteps(facts, d, { ...ctx, orderId: d.orderId });
  // The worker's answer may be a read behind the history (queries are skipped while a task waits).
  const progress = phase === 'completed' ? PROGRESS.completed : Math.max(live.state?.progress ?? live.progress ?? 0, progressFromHistory(facts));
  const wft = d.pendingWorkflowTask;
  const stuck = running && (facts.taskFailure || (wft && wft.attempt > 1)) ? stuckView(d, facts) : undefined;
  const compensations = compensationSteps(facts, d);
  const awaitingAddress = running && !stuck ? awaiting(d, facts, live, steps, addressChanges, progress) : undefined;
  const fulfilment = fulfilmentOf(d.workflowType, facts, live, running);
  const waitingForWorker = running && !!wft && !wft.started && wft.scheduledAt !== undefined && now - wft.scheduledAt > NO_WORKER_AFTER_MS;
  return {
    orderId: d.orderId,
    workflowId: d.workflowId,
    runId: d.runId,
    workflowType: d.workflowType,
    scenario: d.scenario,
    namespace: ctx.namespace,
    phase,
    terminal: !running,
    progress,
    orderStatus: d.orderStatus,
    steps,
    compensations,
    originalAddress,
    address: result?.address ?? live.state?.address ?? addressChanges.at(-1)?.address ?? originalAddress,
    addressChanges,
    awaitingAddress,
    addressTimedOut: addressTimedOut(d, facts, addressChanges),
    stuck,
    waitingForWorker,
    result,
    failure: close?.kind === 'failed' ? close.failure : undefined,
    terminatedReason: close?.kind === 'terminated' ? close.reason : undefined,
    startedAt: d.startTime,
    closedAt: d.closeTime,
    status: fulfilmentPill(statusPill({ phase, stuck, waitingForWorker, awaitingAddress, compensations, steps }), fulfilment),
    cancel: cancelOption({ terminal: !running, cancelRequested: facts.cancelRequested, cancellable: live.state?.cancellable, steps }),
    fulfilment,
  };
}

/** The server's default workflow task timeout, when the history does not say. */
const DEFAULT_TASK_TIMEOUT_MS = 10_000;
/**
 * Temporal Server's workflow task retry rule (workflow_task_state_machine.go): the SDK reports only the
 * first failed attempt (Core lets later ones time out, to keep the history small), and from the fourth
 * attempt the server adds 5 s × 2^(attempt − 4), jittered down by up to 20 %, capped by
 * history.workflowTaskRetryMaxInterval (10 min by default), to the attempt's timeout. A cap under 5 s
 * turns that slowdown off: each attempt then lasts the workflow task timeout, which `npm start` sets.
 */
const SLOWDOWN_FROM_ATTEMPT = 4;
const SLOWDOWN_FIRST_MS = 5000;
const SLOWDOWN_MAX_MS = 10 * 60_000;

function stuckView(d: OrderDescription, facts: HistoryFacts): StuckView {
  const wft = d.pendingWorkflowTask;
  const failure = facts.taskFailure;
  const timeout = facts.taskTimeoutMs ?? DEFAULT_TASK_TIMEOUT_MS;
  const attempt = wft?.attempt ?? 1;
  // The second attempt starts as the first one's failure is recorded; every later one waits for the
  // previous attempt to time out. Attempts that took longer than the timeout on average: the server slows down.
  const elapsed = wft?.scheduledAt !== undefined && failure?.at !== undefined ? wft.scheduledAt - failure.at : undefined;
  const slowingDown = attempt > SLOWDOWN_FROM_ATTEMPT && elapsed !== undefined && elapsed / (attempt - 2) > timeout + 1000;
  const slowdown = slowingDown ? 0.9 * Math.min(SLOWDOWN_FIRST_MS * 2 ** (attempt - SLOWDOWN_FROM_ATTEMPT), SLOWDOWN_MAX_MS) : 0;
  const retryEveryMs = timeout + slowdown;
  return {
    message: failure?.message ?? 'The workflow task keeps failing.',
    attempts: wft?.attempt,
    simulatedBug: (failure?.message ?? '').includes(SIMULATED_BUG_MESSAGE),
    where: failure?.where,
    retryEveryMs,
    slowingDown,
    nextRetryAt: wft?.started && wft.scheduledAt !== undefined ? wft.scheduledAt + retryEveryMs : undefined,
  };
}

/** "in about N s" until the stuck order's next attempt, in words the room reads. */
export function retryWait(stuck: Pick<StuckView, 'nextRetryAt'>, now: number): string {
  if (stuck.nextRetryAt === undefined) return 'as soon as a worker picks the task up';
  const seconds = Math.ceil((stuck.nextRetryAt - now) / 1000);
  return seconds > 0 ? `in about ${seconds} s` : 'any moment now';
}

/** Seconds, rounded, for "every N s". */
export function wholeSeconds(ms: number): number {
  return Math.max(1, Math.round(ms / 1000));
}

function changesOf(facts: HistoryFacts): AddressChange[] {
  const signals = facts.signals
    .filter((s) => s.name === updateOrderSignal.name)
    .map((s): AddressChange => ({ via: 'signal', address: addressOf(s.args[0] as never), answer: undefined }));
  const updates = facts.updates
    .filter((u) => u.name === updateOrderUpdate.name && u.failure === undefined)
    .map((u): AddressChange => ({
      via: 'update',
      address: addressOf(u.args[0] as never),
      answer: typeof u.result === 'string' ? updateAnswerText(u.result, addressOf(u.args[0] as never)) : undefined,
    }));
  return [...signals, ...updates].filter((c) => c.address.trim() !== '');
}

/**
 * The worker's own answer when it has getOrderState; otherwise the history's view of the same thing:
 * at 75 %, nothing shipping yet, no address received, and the wait's timer still open (it gives the
 * deadline).
 */
function awaiting(
  d: OrderDescription, facts: HistoryFacts, live: LiveAnswers, steps: StepView[], changes: AddressChange[], progress: number,
): OrderView['awaitingAddress'] {
  const via = d.scenario ? HUMAN_CHANNEL[d.scenario] : undefined;
  if (!via) return undefined;
  // The history may be newer than the worker's answer: an address received or shipping begun ends the wait.
  const shipping = steps.some((s) => s.key.startsWith('ShipOrder-') && s.state !== 'pending');
  if (shipping || changes.length > 0) return undefined;
  if (live.state) {
    return live.state.awaitingAddress ? { via, deadline: live.state.addressDeadline ?? undefined } : undefined;
  }
  // The wait is a timer in every implementation: the one after the three steps' timers (fraud check,
  // shipment, charge: progress reaches 75 % before the charge's timer, which is no wait). Not open means
  // the wait has not begun or is already over.
  const timer = facts.timers[STEP_TIMERS];
  if (progress < PROGRESS.charged || timer?.state !== 'started') return undefined;
  return { via, deadline: timer.startedAt + timer.fireAfterMs };
}

/** The wait's timer fired and no address came: the order ships to the one it was placed with. */
function addressTimedOut(d: OrderDescription, facts: HistoryFacts, changes: AddressChange[]): OrderView['addressTimedOut'] {
  if (!d.scenario || !HUMAN_CHANNEL[d.scenario] || changes.length > 0) return undefined;
  const timer = facts.timers[STEP_TIMERS];
  return timer?.state === 'fired' ? { waitedSeconds: Math.round(timer.fireAfterMs / 100) / 10 } : undefined;
}

/** Timers of the contract flow before the human wait: one after each of the first three steps. */
const STEP_TIMERS = 3;

/** When no worker answers the progress query: each progress step ends with a timer (contract flow). */
/** The contract's progress after each main step, which every implementation sets as the step's activity completes. */
const PROGRESS_AFTER: Record<string, number> = {
  [ACTIVITY.checkFraud]: PROGRESS.fraudChecked,
  [ACTIVITY.prepareShipment]: PROGRESS.shipmentPrepared,
  [ACTIVITY.chargeCustomer]: PROGRESS.charged,
};

/**
 * Progress as the history shows it, so the page moves as soon as the server records an activity's
 * completion, without waiting for the workflow task that sets it and a query that reads it. Orders of
 * round 1's code moved after each step's timer instead: a fired timer counts too.
 */
function progressFromHistory(facts: HistoryFacts): number {
  const fired = Math.min(PROGRESS.charged, facts.timers.filter((t) => t.state === 'fired').length * PROGRESS.fraudChecked);
  const done = facts.activities.filter((a) => a.state === 'completed').map((a) => PROGRESS_AFTER[a.activityType] ?? 0);
  return Math.max(fired, ...done);
}
