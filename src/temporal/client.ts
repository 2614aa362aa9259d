/**
 * Every call the console makes to Temporal, in one place: each one is counted
 * (order_console_temporal_calls_total{method}), bounded by a deadline so a page never hangs on a
 * server that is down, and feeds the "is the server reachable" state behind the banner.
 * Interpretation of what comes back (history → steps) lives in src/web/orders/.
 */
import {
  Client,
  Connection,
  QueryNotRegisteredError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  isGrpcServiceError,
} from '@temporalio/client';
import type { ConnectionOptions, WorkflowExecutionStatusName, WorkflowHandle } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import type { Config } from '../config.js';
import type { ConsoleMetrics } from '../metrics/console.js';
import {
  ORDER_STATUS,
  getProgressQuery,
  orderWorkflowId,
  updateOrderSignal,
  updateOrderUpdate,
  workflowTypeOf,
} from './contract.js';
import type { OrderInput, Scenario } from './contract.js';
import { getOrderStateQuery } from '../workflows/extras.js';
import type { OrderState } from '../workflows/extras.js';
import { ServerHealth } from './client-health.js';
import type { HealthState } from './client-health.js';
import { describeOrderInfo, listInfo } from './client-shapes.js';
import { LIST_STATUSES } from './client-shapes.js';
import type { ListStatus, OrderDescription, OrderListFilter, OrderSummary } from './client-shapes.js';
import { MAX_TIME_SCALE } from '../workflows/pace.js';

export { LIST_STATUSES } from './client-shapes.js';
export type { ListStatus, OrderDescription, OrderListFilter, OrderSummary, PendingActivity } from './client-shapes.js';
export { temporalErrorMessage } from './client-health.js';
export type { HealthState } from './client-health.js';
export type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];
export type { WorkflowExecutionStatusName };

/**
 * RecoverableFailure's workflow task timeout. After its first failed attempt the SDK lets each attempt
 * time out instead of reporting it, so this is how often the stuck order retries, and so how soon a
 * deployed fix takes over (10 s by default). Its healthy tasks take milliseconds. Other scenarios keep
 * the default: a task that overran 2 s on a busy machine would be retried for nothing.
 */
const STUCK_TASK_RETRY = '2s';

/** Orders per execution status; a status with none is absent. */
export type OrderCounts = Partial<Record<ListStatus, number>>;

export interface HistoryPage {
  events: HistoryEvent[];
  nextPageToken: Uint8Array | undefined;
}

export type UpdateOutcome = { accepted: true; message: string } | { accepted: false; message: string };

/** Task queue kinds whose pollers the preflight page counts (temporal.api.enums.v1.TaskQueueType). */
export const TASK_QUEUE_KIND = { workflow: 1, activity: 2, nexus: 3 } as const;
export type TaskQueueKind = keyof typeof TASK_QUEUE_KIND;

/** One worker (by identity) polling a task queue, and when the server last received a poll from it (ms epoch). */
export interface PollerSeen {
  identity: string;
  lastAccessMs: number | undefined;
}

/** The console's view of Temporal: what the routes, the progress hub and the preflight page call. */
export interface OrderConsoleClient {
  readonly namespace: string;
  /** Starts the order unless its workflow id was ever used; `started: false` means it already existed. */
  /** `slowdown` multiplies the configured pace for this order (slow motion: 2, 3); default 1. */
  startOrder(scenario: Scenario, input: OrderInput, options?: { slowdown?: number }): Promise<{ workflowId: string; started: boolean }>;
  /** undefined when no such workflow exists. */
  describeOrder(orderId: string): Promise<OrderDescription | undefined>;
  fetchHistory(orderId: string): Promise<HistoryEvent[]>;
  /**
   * A long poll of one run's history: the events after `pageToken` as soon as the server records any, or
   * none after its long-poll interval (about 20 s). `nextPageToken` undefined: the run is closed, the
   * history complete. Aborting the signal ends the poll at once.
   */
  watchHistory(orderId: string, runId: string, pageToken: Uint8Array | undefined, signal: AbortSignal): Promise<HistoryPage>;
  queryProgress(orderId: string): Promise<number>;
  /** This implementation's richer query; 'unsupported' when the worker (another language's) lacks it. */
  queryOrderState(orderId: string): Promise<OrderState | 'unsupported'>;
  signalAddress(orderId: string, address: string): Promise<void>;
  /** Asks Temporal to cancel the order's workflow (its saga undoes what was done); idempotent. */
  cancelOrder(orderId: string): Promise<void>;
  updateAddress(orderId: string, address: string): Promise<UpdateOutcome>;
  listOrders(filter: OrderListFilter): Promise<OrderSummary[]>;
  namespaceExists(namespace: string): Promise<boolean>;
  searchAttributeType(name: string): Promise<string | undefined>;
  nexusEndpoint(name: string): Promise<{ namespace?: string; taskQueue?: string } | undefined>;
  pollerCount(namespace: string, taskQueue: string, kind: TaskQueueKind): Promise<number>;
  /** The workers the server lists as polling a task queue: it keeps one it has not heard from for minutes. */
  pollers(namespace: string, taskQueue: string, kind: TaskQueueKind): Promise<PollerSeen[]>;
  /** How many orders of a scenario are in each execution status (visibility names: Running, Completed...). */
  countOrders(scenario: Scenario): Promise<OrderCounts>;
  /** Last known reachability, without a call. */
  health(): HealthState;
  /** Reachability, pinging the server unless a call answered within maxAgeMs. */
  checkServer(maxAgeMs?: number): Promise<HealthState>;
}

export interface OrderConsoleClientDeps {
  client: Client;
  config: Pick<Config, 'taskQueue' | 'web'>;
  metrics: Pick<ConsoleMetrics, 'temporalCalls'>;
  /** Deadline of the quick calls (describe, query, list...); updates get more. */
  timeoutMs?: number;
}

/**
 * The console's connection: lazy, so the console starts (and shows its banner) while the server is down,
 * and quick to reconnect, so the banner clears within seconds of the server coming back (gRPC's own
 * reconnect backoff grows to two minutes).
 */
export function lazyConnection(options: ConnectionOptions): Connection {
  return Connection.lazy({
    connectTimeout: '3s',
    ...options,
    channelArgs: { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 2000, ...options.channelArgs },
  });
}

/** How a console client runs one Temporal call: counted, under its deadline (and, for some, health-tracked). */
export type ConsoleCall = <T>(method: string, fn: () => Promise<T>) => Promise<T>;

/**
 * Starts an order workflow of any type, a scenario's or one of our extensions', the one way every order
 * starts: id order-<OrderId>, the console's pace (times the slowdown chosen) as TimeScale, and an id that was
 * ever used refused. Resolves false when that order already exists: a double click, a refresh or the back
 * button re-sends the same OrderId, and the second start must find the first instead of starting another,
 * whether the first is still running or not.
 */
export async function startOrderWorkflow(
  client: Client,
  call: ConsoleCall,
  order: { workflowType: string; taskQueue: string; input: OrderInput; timeScale: number; slowdown: number; workflowTaskTimeout?: string },
): Promise<boolean> {
  const timeScale = Math.min(order.timeScale * order.slowdown, MAX_TIME_SCALE);
  try {
    await call('startWorkflow', () =>
      client.workflow.start(order.workflowType, {
        workflowId: orderWorkflowId(order.input.OrderId),
        taskQueue: order.taskQueue,
        // Extra fields are ignored by the other implementations' workers; 1 (demo pace) is the default anyway.
        args: [timeScale === 1 ? order.input : { ...order.input, TimeScale: timeScale }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        ...(order.workflowTaskTimeout ? { workflowTaskTimeout: order.workflowTaskTimeout } : {}),
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw err;
  }
}

const HISTORY_ALL_EVENTS = proto.temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT;
/** Above the server's long-poll interval (20 s by default), which answers first with no events. */
const LONG_POLL_DEADLINE_MS = 30_000;

const UNKNOWN_QUERY = /unknown query|did not register a handler|expected but not found/i;

export function createOrderConsoleClient(deps: OrderConsoleClientDeps): OrderConsoleClient {
  const { client, metrics } = deps;
  const namespace = client.options.namespace;
  const quick = deps.timeoutMs ?? 3000;
  // A worker answers a query in milliseconds; waiting longer only stalls the page behind it.
  const queryTimeout = Math.min(quick, 2000);
  const health = new ServerHealth();
  const service = client.workflowService;
  const operator = client.connection.operatorService;

  /** `dependsOnWorker`: a deadline there means no worker answered, not that the server is down. */
  async function call<T>(method: string, fn: () => Promise<T>, timeoutMs = quick, dependsOnWorker = false): Promise<T> {
    metrics.temporalCalls.inc({ method });
    try {
      const result = await client.connection.withDeadline(Date.now() + timeoutMs, fn);
      health.reachable();
      return result;
    } catch (err) {
      health.observeError(err, dependsOnWorker);
      throw err;
    }
  }
  const handle = (orderId: string) => client.workflow.getHandle(orderWorkflowId(orderId));
  // GROUP BY ExecutionStatus answers in one call; a server whose visibility store cannot group says so
  // (INVALID_ARGUMENT) once, and from then on each status is counted on its own.
  let groupBy = true;
  const count = async (query: string) => call('countWorkflows', () => client.workflow.count(query));

  return {
    namespace,
    async startOrder(scenario, input, { slowdown = 1 } = {}) {
      const started = await startOrderWorkflow(client, call, {
        workflowType: workflowTypeOf(scenario),
        taskQueue: deps.config.taskQueue,
        input,
        timeScale: deps.config.web.timeScale,
        slowdown,
        ...(scenario === 'RecoverableFailure' ? { workflowTaskTimeout: STUCK_TASK_RETRY } : {}),
      });
      return { workflowId: orderWorkflowId(input.OrderId), started };
    },
    async describeOrder(orderId) {
      try {
        return describeOrderInfo(orderId, await call('describeWorkflow', () => handle(orderId).describe()));
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },
    async fetchHistory(orderId) {
      const history = await call('fetchHistory', () => handle(orderId).fetchHistory());
      return history.events ?? [];
    },
    async watchHistory(orderId, runId, pageToken, signal) {
      // The SDK adds an abort listener to the signal for each call and never removes it: give it one of
      // its own per call, so a follower's long life does not pile listeners up on its signal.
      const thisCall = new AbortController();
      const abort = () => thisCall.abort();
      signal.addEventListener('abort', abort, { once: true });
      if (signal.aborted) thisCall.abort();
      const res = await call(
        'watchHistory',
        () =>
          client.connection.withAbortSignal(thisCall.signal, () =>
            service.getWorkflowExecutionHistory({
              namespace,
              execution: { workflowId: orderWorkflowId(orderId), runId },
              nextPageToken: pageToken,
              waitNewEvent: true,
              historyEventFilterType: HISTORY_ALL_EVENTS,
              skipArchival: true,
            }),
          ),
        LONG_POLL_DEADLINE_MS,
        true,
      ).finally(() => signal.removeEventListener('abort', abort));
      return { events: res.history?.events ?? [], nextPageToken: res.nextPageToken?.length ? res.nextPageToken : undefined };
    },
    queryProgress: (orderId) => call('queryProgress', () => handle(orderId).query(getProgressQuery), queryTimeout, true),
    async queryOrderState(orderId) {
      try {
        return await call('queryOrderState', () => handle(orderId).query(getOrderStateQuery), queryTimeout, true);
      } catch (err) {
        // A peer's worker without our extra query: Go says "unknown queryType", TypeScript "did not register a
        // handler", Python "expected but not found". Then the console reads progress with getProgress instead.
        if (err instanceof QueryNotRegisteredError && UNKNOWN_QUERY.test(err.message)) return 'unsupported';
        throw err;
      }
    },
    cancelOrder: (orderId) => call('requestCancelWorkflow', () => handle(orderId).cancel()).then(() => undefined),
    signalAddress: (orderId, address) => call('signalWorkflow', () => handle(orderId).signal(updateOrderSignal, { Address: address })),
    async updateAddress(orderId, address) {
      try {
        const message = await call(
          'updateWorkflow',
          () => handle(orderId).executeUpdate(updateOrderUpdate, { args: [{ Address: address }] }),
          quick * 3,
          true,
        );
        return { accepted: true, message };
      } catch (err) {
        // The validator's rejection comes back as the cause's message: show it next to the field.
        if (err instanceof WorkflowUpdateFailedError) return { accepted: false, message: err.cause?.message ?? err.message };
        throw err;
      }
    },
    async listOrders(filter) {
      const out: OrderSummary[] = [];
      await call('listWorkflows', async () => {
        for await (const info of client.workflow.list({ query: visibilityQuery(filter), pageSize: filter.limit })) {
          out.push(listInfo(info, info.typedSearchAttributes.get(ORDER_STATUS)));
          if (out.length >= filter.limit) break;
        }
      });
      return out;
    },
    async namespaceExists(ns) {
      try {
        await call('describeNamespace', () => service.describeNamespace({ namespace: ns }));
        return true;
      } catch (err) {
        if (isGrpcServiceError(err) && err.code === 5 /* NOT_FOUND */) return false;
        throw err;
      }
    },
    async searchAttributeType(name) {
      const res = await call('listSearchAttributes', () => operator.listSearchAttributes({ namespace }));
      const type = res.customAttributes?.[name];
      return type === undefined || type === null ? undefined : SEARCH_ATTRIBUTE_TYPES[type] ?? String(type);
    },
    async nexusEndpoint(name) {
      const res = await call('listNexusEndpoints', () => operator.listNexusEndpoints({ name, pageSize: 1 }));
      const worker = res.endpoints?.[0]?.spec?.target?.worker;
      if (!res.endpoints?.length) return undefined;
      return { namespace: worker?.namespace ?? undefined, taskQueue: worker?.taskQueue ?? undefined };
    },
    async pollerCount(ns, taskQueue, kind) {
      const res = await call('describeTaskQueue', () =>
        service.describeTaskQueue({ namespace: ns, taskQueue: { name: taskQueue }, taskQueueType: TASK_QUEUE_KIND[kind] }),
      );
      return res.pollers?.length ?? 0;
    },
    async pollers(ns, taskQueue, kind) {
      const res = await call('describeTaskQueue', () =>
        service.describeTaskQueue({ namespace: ns, taskQueue: { name: taskQueue }, taskQueueType: TASK_QUEUE_KIND[kind] }),
      );
      return (res.pollers ?? []).map((p) => ({ identity: p.identity ?? '', lastAccessMs: optionalTsToMs(p.lastAccessTime) }));
    },
    async countOrders(scenario) {
      const query = visibilityQuery({ scenario, limit: 0 });
      if (groupBy) {
        try {
          const { groups } = await count(`${query} GROUP BY ExecutionStatus`);
          // Each group's value comes back as a one-element list: [["Running"]].
          return Object.fromEntries(groups.map((g) => [String([g.groupValues[0]].flat()[0]), g.count])) as OrderCounts;
        } catch (err) {
          const cause = (err as { cause?: unknown }).cause ?? err;
          if (!(isGrpcServiceError(cause) && cause.code === 3 /* INVALID_ARGUMENT */)) throw err;
          groupBy = false;
        }
      }
      const counts = await Promise.all(LIST_STATUSES.map(async (status) => [status, (await count(visibilityQuery({ scenario, status, limit: 0 }))).count] as const));
      return Object.fromEntries(counts.filter(([, n]) => n > 0));
    },
    health: () => health.state(),
    checkServer: (maxAgeMs = 2000) =>
      health.refresh(maxAgeMs, async () => {
        await call('getSystemInfo', () => service.getSystemInfo({}), Math.min(quick, 1500));
      }),
  };
}

/** temporal.api.enums.v1.IndexedValueType names, for the preflight page. */
const SEARCH_ATTRIBUTE_TYPES: Record<number, string> = {
  1: 'Text', 2: 'Keyword', 3: 'Int', 4: 'Double', 5: 'Bool', 6: 'Datetime', 7: 'KeywordList',
};

function visibilityQuery(filter: OrderListFilter): string {
  // Every value here comes from a fixed list (scenario names, LIST_STATUSES): nothing user-typed is interpolated.
  const clauses = ['WorkflowId STARTS_WITH "order-"'];
  if (filter.scenario) clauses.push(`WorkflowType = "${workflowTypeOf(filter.scenario)}"`);
  if (filter.status) clauses.push(`ExecutionStatus = "${filter.status}"`);
  return clauses.join(' AND ');
}
