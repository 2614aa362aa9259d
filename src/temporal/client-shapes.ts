/**
 * Plain shapes of what the console reads from Temporal, converted from the SDK's protobuf objects in
 * one place so that views and tests never touch Long timestamps or numeric enums.
 */
import type { WorkflowExecutionDescription, WorkflowExecutionInfo, WorkflowExecutionStatusName } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import { ORDER_STATUS, scenarioOf } from './contract.js';
import type { Scenario } from './contract.js';

/** Visibility names of execution statuses, as the recent-orders filter accepts them. */
export const LIST_STATUSES = ['Running', 'Completed', 'Failed', 'Terminated', 'TimedOut', 'Canceled'] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

export interface OrderListFilter {
  scenario?: Scenario;
  status?: ListStatus;
  limit: number;
}

export interface OrderSummary {
  workflowId: string;
  runId: string;
  workflowType: string;
  scenario: Scenario | undefined;
  status: WorkflowExecutionStatusName;
  orderStatus: string | undefined;
  startTime: Date;
  closeTime: Date | undefined;
}

export interface PendingActivity {
  activityId: string;
  activityType: string;
  /** scheduled = waiting for a worker or for the next retry; started = running on a worker now. */
  state: 'scheduled' | 'started' | 'cancel-requested' | 'paused' | 'unknown';
  attempt: number;
  lastFailure: string | undefined;
  /** Epoch ms of the next retry, when waiting for one. */
  nextAttemptAt: number | undefined;
}

export interface PendingNexusOperation {
  scheduledEventId: number;
  operation: string;
  attempt: number;
  lastFailure: string | undefined;
}

export interface OrderDescription {
  orderId: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  scenario: Scenario | undefined;
  status: WorkflowExecutionStatusName;
  historyLength: number;
  startTime: Date;
  closeTime: Date | undefined;
  /** The OrderStatus search attribute (AdvancedVisibility). */
  orderStatus: string | undefined;
  pendingActivities: PendingActivity[];
  pendingNexusOperations: PendingNexusOperation[];
  /** Present while a workflow task is scheduled or running; attempt > 1 means the task keeps failing. */
  pendingWorkflowTask: { attempt: number; started: boolean; scheduledAt: number | undefined } | undefined;
}

const ACTIVITY_STATES: Record<number, PendingActivity['state']> = { 1: 'scheduled', 2: 'started', 3: 'cancel-requested', 4: 'paused' };

export function describeOrderInfo(orderId: string, d: WorkflowExecutionDescription): OrderDescription {
  const raw = d.raw;
  const wft = raw.pendingWorkflowTask;
  return {
    orderId,
    workflowId: d.workflowId,
    runId: d.runId,
    workflowType: d.type,
    scenario: scenarioOf(d.type),
    status: d.status.name,
    historyLength: d.historyLength,
    startTime: d.startTime,
    closeTime: d.closeTime,
    orderStatus: d.typedSearchAttributes.get(ORDER_STATUS),
    pendingActivities: (raw.pendingActivities ?? []).map((a) => ({
      activityId: a.activityId ?? '',
      activityType: a.activityType?.name ?? '',
      state: ACTIVITY_STATES[a.state ?? 0] ?? 'unknown',
      attempt: a.attempt ?? 1,
      lastFailure: a.lastFailure?.message ?? undefined,
      nextAttemptAt: optionalTsToMs(a.nextAttemptScheduleTime),
    })),
    pendingNexusOperations: (raw.pendingNexusOperations ?? []).map((op) => ({
      scheduledEventId: Number(op.scheduledEventId ?? 0),
      operation: op.operation ?? '',
      attempt: op.attempt ?? 1,
      lastFailure: op.lastAttemptFailure?.message ?? undefined,
    })),
    pendingWorkflowTask: wft
      ? { attempt: wft.attempt ?? 1, started: wft.state === 2, scheduledAt: optionalTsToMs(wft.scheduledTime) }
      : undefined,
  };
}

export function listInfo(info: WorkflowExecutionInfo, orderStatus: string | undefined): OrderSummary {
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    workflowType: info.type,
    scenario: scenarioOf(info.type),
    status: info.status.name,
    orderStatus,
    startTime: info.startTime,
    closeTime: info.closeTime,
  };
}
