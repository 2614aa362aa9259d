/**
 * Eta views: layouts/, pages/ and partials/ under views/. Autoescape is on, so every `<%= %>` is
 * HTML-escaped; `<%~ %>` is only ever used for the output of another template (layout body, includes).
 * Templates get `it.h`, the few helpers they need, so no template builds a URL or a date by itself.
 */
import { Eta } from 'eta';
import type { HealthState } from '../temporal/client.js';
import type { StepState } from './orders/steps.js';
import type { OrderPhase } from './orders/view.js';
import { orderStatusQuery, temporalUiLinks } from './temporal-ui.js';

export interface ViewHelpers {
  /** A workflow's page in the Temporal Web UI (its history when the run id is known); undefined without a UI. */
  workflowUrl(namespace: string, workflowId: string, runId?: string): string | undefined;
  /** The Temporal Web UI's workflow list filtered to one OrderStatus value (AdvancedVisibility); undefined without a UI. */
  orderStatusListUrl(namespace: string, orderStatus: string): string | undefined;
  /** Local date and time, readable from the back of the room. */
  time(value: Date | undefined): string;
  stepStateLabel(state: StepState): string;
  phaseLabel(phase: OrderPhase): string;
  /** RUNNING, TIMED_OUT... as "Running", "Timed out". */
  statusLabel(status: string): string;
  /** "12 s ago", "3 min ago": for figures that refresh while the room watches. */
  ago(value: Date | string | null | undefined): string;
}

/** What the layout needs on every page. */
export interface LayoutData {
  title: string;
  health: HealthState;
  /** Which nav entry is current. */
  nav?: 'home' | 'orders' | 'preflight' | 'operator' | 'api-key';
}

export interface Views {
  page(name: string, data: LayoutData & Record<string, unknown>): string;
  partial(name: string, data: Record<string, unknown>): string;
}

const STEP_LABELS: Record<StepState, string> = {
  pending: 'Not started', running: 'Running', retrying: 'Retrying', completed: 'Done', failed: 'Failed',
  'timed-out': 'Timed out', cancelled: 'Cancelled', terminated: 'Terminated',
};
const PHASE_LABELS: Record<OrderPhase, string> = {
  running: 'Running', completed: 'Completed', failed: 'Failed', terminated: 'Terminated', timed_out: 'Timed out',
  cancelled: 'Cancelled', continued_as_new: 'Continued as new',
};

export function createViews(viewsDir: string, uiUrl: string | undefined): Views {
  const eta = new Eta({ views: viewsDir, cache: true, autoEscape: true });
  const ui = temporalUiLinks(uiUrl);
  const h: ViewHelpers = {
    workflowUrl: (namespace, workflowId, runId) => ui.workflow(namespace, workflowId, runId),
    orderStatusListUrl: (namespace, orderStatus) => ui.workflowList(namespace, orderStatusQuery(orderStatus)),
    time: (value) => (value ? value.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' }) : ''),
    stepStateLabel: (state) => STEP_LABELS[state],
    phaseLabel: (phase) => PHASE_LABELS[phase],
    statusLabel: (status) => {
      const words = status.toLowerCase().replace(/_/g, ' ');
      return words.charAt(0).toUpperCase() + words.slice(1);
    },
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
