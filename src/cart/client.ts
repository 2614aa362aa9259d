/**
 * The console's Temporal calls for carts, each counted in order_console_temporal_calls_total and bounded
 * by a deadline. Adding uses update-with-start (USE_EXISTING): the first add creates the customer's cart.
 * The other changes go to an existing cart only (a cart nobody filled has nothing to remove or check out).
 * A checkout's update id is its order id: Temporal answers a second identical request (a double click)
 * with the first one's outcome instead of running it again.
 */
import {
  WithStartWorkflowOperation,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  isGrpcServiceError,
} from '@temporalio/client';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { ConsoleMetrics } from '../metrics/console.js';
import type { HistoryPage } from '../temporal/client.js';
import {
  CART_WORKFLOW_TYPE,
  addItemUpdate,
  cartWorkflowId,
  checkoutUpdate,
  checkoutUpdateId,
  getCartQuery,
  removeItemUpdate,
  resetCartUpdate,
  type AddItem,
  type CartInput,
  type CartView,
  type Checkout,
  type CheckoutResult,
  type RemoveItem,
} from './api.js';

export type CartOutcome<T = CartView> =
  | { kind: 'ok'; value: T }
  /** The workflow's validator (or the checkout) refused it: its message. */
  | { kind: 'rejected'; message: string }
  /** There is no open cart for this customer. */
  | { kind: 'no-cart' };

export interface CartRun {
  runId: string;
  status: string;
}

export interface CartClient {
  /** The cart as the workflow says (getCart), or undefined when the customer has none. */
  get(customerId: string): Promise<CartView | undefined>;
  /** The current run of the customer's cart, or undefined. */
  currentRun(customerId: string): Promise<CartRun | undefined>;
  add(customerId: string, add: AddItem): Promise<CartOutcome>;
  remove(customerId: string, remove: RemoveItem): Promise<CartOutcome>;
  reset(customerId: string): Promise<CartOutcome>;
  checkout(customerId: string, checkout: Checkout): Promise<CartOutcome<CheckoutResult>>;
  /** A long poll of one run's history (see OrderConsoleClient.watchHistory). */
  watchHistory(customerId: string, runId: string, pageToken: Uint8Array | undefined, signal: AbortSignal): Promise<HistoryPage>;
}

export interface CartClientDeps {
  client: Client;
  taskQueue: string;
  /** Changes per run before the cart continues as new (config.cart.continueEvery). */
  continueEvery: number;
  metrics: Pick<ConsoleMetrics, 'temporalCalls'>;
  timeoutMs?: number;
}

const HISTORY_ALL_EVENTS = proto.temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT;
const LONG_POLL_DEADLINE_MS = 30_000;
/** An update waits for the cart's worker (and, across a continue-as-new, for the next run). */
const UPDATE_DEADLINE_MS = 30_000;

export function createCartClient(deps: CartClientDeps): CartClient {
  const { client, metrics } = deps;
  const quick = deps.timeoutMs ?? 3000;
  const namespace = client.options.namespace;
  const handle = (customerId: string) => client.workflow.getHandle(cartWorkflowId(customerId));
  async function call<T>(method: string, fn: () => Promise<T>, timeoutMs = quick): Promise<T> {
    metrics.temporalCalls.inc({ method });
    return client.connection.withDeadline(Date.now() + timeoutMs, fn);
  }
  /** An update's outcome: a validator's refusal and a missing cart are answers, anything else is thrown. */
  async function update<T>(method: string, fn: () => Promise<T>): Promise<CartOutcome<T>> {
    try {
      // Long: an update that outlives its caller's deadline may still be applied, and the caller would not know.
      return { kind: 'ok', value: await call(method, fn, UPDATE_DEADLINE_MS) };
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) return { kind: 'rejected', message: err.cause?.message ?? err.message };
      if (isMissing(err)) return { kind: 'no-cart' };
      throw err;
    }
  }

  return {
    async get(customerId) {
      try {
        return await call('queryCart', () => handle(customerId).query(getCartQuery));
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    async currentRun(customerId) {
      try {
        const d = await call('describeWorkflow', () => handle(customerId).describe());
        return { runId: d.runId, status: d.status.name };
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    add: (customerId, add) =>
      update('updateWithStart', () =>
        client.workflow.executeUpdateWithStart(addItemUpdate, {
          args: [add],
          startWorkflowOperation: new WithStartWorkflowOperation(CART_WORKFLOW_TYPE, {
            workflowId: cartWorkflowId(customerId),
            taskQueue: deps.taskQueue,
            args: [{ CustomerId: customerId, ContinueEvery: deps.continueEvery } satisfies CartInput],
            // The first add starts the cart; every later one joins it. A cart that was ended (terminated)
            // starts afresh.
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
            staticSummary: `Cart of ${customerId}`,
          }),
        }),
      ),
    remove: (customerId, remove) => update('updateWorkflow', () => handle(customerId).executeUpdate(removeItemUpdate, { args: [remove] })),
    reset: (customerId) => update('updateWorkflow', () => handle(customerId).executeUpdate(resetCartUpdate, { args: [] })),
    checkout: (customerId, checkout) =>
      update('updateWorkflow', () => handle(customerId).executeUpdate(checkoutUpdate, { args: [checkout], updateId: checkoutUpdateId(checkout.orderId) })),
    async watchHistory(customerId, runId, pageToken, signal) {
      const thisCall = new AbortController();
      const abort = () => thisCall.abort();
      signal.addEventListener('abort', abort, { once: true });
      if (signal.aborted) thisCall.abort();
      try {
        const res = await call(
          'watchHistory',
          () =>
            client.connection.withAbortSignal(thisCall.signal, () =>
              client.workflowService.getWorkflowExecutionHistory({
                namespace,
                execution: { workflowId: cartWorkflowId(customerId), runId },
                nextPageToken: pageToken,
                waitNewEvent: true,
                historyEventFilterType: HISTORY_ALL_EVENTS,
                skipArchival: true,
              }),
            ),
          LONG_POLL_DEADLINE_MS,
        );
        return { events: res.history?.events ?? [], nextPageToken: res.nextPageToken?.length ? res.nextPageToken : undefined };
      } finally {
        signal.removeEventListener('abort', abort);
      }
    },
  };
}

/** No such workflow, or (an update to) a run that has closed. */
function isMissing(err: unknown): boolean {
  if (err instanceof WorkflowNotFoundError) return true;
  const cause = (err as { cause?: unknown }).cause ?? err;
  return isGrpcServiceError(cause) && cause.code === 5 /* NOT_FOUND */;
}
