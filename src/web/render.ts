/**
 * Eta views: layouts/, pages/ and partials/ under views/. Autoescape is on, so every `<%= %>` is
 * HTML-escaped; `<%~ %>` is only ever used for the output of another template (layout body, includes).
 * Templates get `it.h`, the few helpers they need, so no template builds a URL or a date by itself.
 */
import { SHIPMENT_WORDS, type ShipmentStatus } from '../fulfilment/api.js';
import { fulfilmentHappened } from '../fulfilment/view.js';
import { idempotenceHappened } from '../idempotence/view.js';
import { Eta } from 'eta';
import type { HealthState } from '../temporal/client.js';
import type { FailureInfo } from './orders/failures.js';
import type { StepState } from './orders/steps.js';
import type { OrderPhase, OrderView } from './orders/view.js';
import { NEXT_ATTEMPT_DUE, NEXT_ATTEMPT_FORMAT, failureWords, nextAttemptWords, phaseLabel, statusLabel, stepStateLabel } from './orders/wording.js';
import type { FailureWords } from './orders/wording.js';
import { whatHappened } from './scenarios.js';
import { orderStatusQuery, temporalUiLinks } from './temporal-ui.js';

export interface ViewHelpers {
  /** A fulfilment shipment's state in words (src/fulfilment/api.ts). */
  shipmentWords: (status: ShipmentStatus) => string;
  /** A workflow's page in the Temporal Web UI (its history when the run id is known); undefined without a UI. */
  workflowUrl(namespace: string, workflowId: string, runId?: string): string | undefined;
  /** The Temporal Web UI's workflow list filtered to one OrderStatus value (AdvancedVisibility); undefined without a UI. */
  orderStatusListUrl(namespace: string, orderStatus: string): string | undefined;
  /** Local date and time, readable from the back of the room. */
  time(value: Date | undefined): string;
  /** "Done", "Retrying"...; a compensation's as an undo ("Undone"). */
  stepStateLabel(state: StepState, undo?: boolean): string;
  phaseLabel(phase: OrderPhase): string;
  /** RUNNING, TIMED_OUT, TimedOut... as "Running", "Timed out". */
  statusLabel(status: string): string;
  /** A workflow failure in plain words: what failed and why. */
  failureWords(failure: FailureInfo): FailureWords;
  /** "next attempt in N s" until an activity's retry (epoch ms), and the wording console.js counts it down with. */
  nextAttempt(at: number): { text: string; format: string; due: string };
  /** "What just happened" on the outcome card of an order that ended as its scenario does. */
  whatHappened(v: OrderView): string | undefined;
  /** "12 s ago", "3 min ago": for figures that refresh while the room watches. */
  ago(value: Date | string | null | undefined): string;
}

/**
 * Every page and partial is rendered for a role: the audience view is the same template with
 * `presenter: false`, which shows no form and no button that changes anything. Required, so no render
 * can forget it; templates treat anything but true as the audience.
 */
export interface RoleData {
  presenter: boolean;
}

/** What the top bar needs to offer signing in or out and sharing with the room. */
export interface RoomData {
  /** Sign-in is on: the bar shows Sign in (audience) or Sign out (presenter). */
  guarded: boolean;
  /** Others can reach the console: the presenter's bar offers "Share with the room". */
  exposed: boolean;
}

/** What the layout needs on every page. */
export interface LayoutData extends RoleData {
  title: string;
  health: HealthState;
  room: RoomData;
  /** Which nav entry is current. */
  nav?: 'home' | 'orders' | 'shop' | 'courier' | 'preflight' | 'operator' | 'api-key' | 'warehouse';
}

export interface Views {
  page(name: string, data: LayoutData & Record<string, unknown>): string;
  partial(name: string, data: RoleData & Record<string, unknown>): string;
}

export function createViews(viewsDir: string, uiUrl: string | undefined): Views {
  const eta = new Eta({ views: viewsDir, cache: true, autoEscape: true });
  const ui = temporalUiLinks(uiUrl);
  const h: ViewHelpers = {
    workflowUrl: (namespace, workflowId, runId) => ui.workflow(namespace, workflowId, runId),
    orderStatusListUrl: (namespace, orderStatus) => ui.workflowList(namespace, orderStatusQuery(orderStatus)),
    time: (value) => (value ? value.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' }) : ''),
    stepStateLabel,
    shipmentWords: (status) => SHIPMENT_WORDS[status],
    phaseLabel,
    statusLabel,
    failureWords,
    nextAttempt: (at) => ({ text: nextAttemptWords(at, Date.now()), format: NEXT_ATTEMPT_FORMAT, due: NEXT_ATTEMPT_DUE }),
    whatHappened: (v) => fulfilmentHappened(v) ?? idempotenceHappened(v) ?? whatHappened(v.scenario, v.phase, { addressTimedOut: v.addressTimedOut }),
    ago: (value) => {
      if (!value) return '';
      const seconds = Math.max(0, Math.round((Date.now() - new Date(value).getTime()) / 1000));
      return seconds < 90 ? `${seconds} s ago` : seconds < 5400 ? `${Math.round(seconds / 60)} min ago` : `${Math.round(seconds / 3600)} h ago`;
    },
  };
  return {
    page: (name, data) => eta.render(`/pages/${name}`, { ...data, h }),
    partial: (name, data) => eta.render(`/partials/${name}`, { ...data, h }),
  };
}
