/**
 * CartWorkflow: one long-running cart per customer (workflow id cart-<customerId>), the shop's entity
 * pattern. Workflow-safe: only @temporalio/workflow and workflow-safe modules.
 *
 * State, all of it carried across continue-as-new (CartCarried): `items` (one line per catalog item,
 * quantity 1–99), `changes` (accepted updates since the cart began), `run` (1, 2, ...), `runs` (the last
 * continue-as-new moments), `checkouts` (the last orders it started) and `updateIds` (the updates applied
 * lately: the server may hand the next run an update the last one completed, temporalio/temporal#6375, and
 * it must not be applied twice). Per run only: `changesThisRun`
 * and `checkingOut` (checkouts whose order is being started, by order id).
 * Events: addItem, removeItem, resetCart and checkout updates (each validated first: a rejected update
 * changes nothing and records no update event); the getCart query reads.
 * Ends of a run: after `ContinueEvery` changes, or when the server suggests it, the run waits for its
 * running handlers (a checkout starting its order) and continues as new with everything above. The
 * cart never completes by itself.
 */
import {
  ApplicationFailure,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  setHandler,
  setWorkflowOptions,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { DEFAULT_ADDRESS, orderWorkflowId, workflowTypeOf, type OrderInput } from '../temporal/contract.js';
import { autoUpgradeWhenVersioned } from '../workflows/versioning.js';
import {
  MAX_QUANTITY,
  REMEMBERED,
  REMEMBERED_UPDATES,
  DEFAULT_CONTINUE_EVERY,
  addItemUpdate,
  catalogItem,
  checkoutProblem,
  checkoutUpdate,
  getCartQuery,
  isCustomerId,
  itemIdProblem,
  quantityProblem,
  removeItemUpdate,
  resetCartUpdate,
  type CartCarried,
  type CartInput,
  type CartLine,
  type CartView,
  type CheckoutResult,
} from './api.js';

/** A rejected update: the validator's message goes back to the caller as is. */
function reject(message: string): never {
  throw ApplicationFailure.create({ type: 'CartUpdateRejected', message, nonRetryable: true });
}

function emptyCart(): CartCarried {
  return { items: [], changes: 0, run: 1, runs: [], checkouts: [] };
}

export async function CartWorkflow(input: CartInput): Promise<void> {
  const customerId = input?.CustomerId;
  if (!isCustomerId(customerId)) {
    throw ApplicationFailure.create({ type: 'InvalidCartInput', message: `CustomerId must be lower-case letters, digits and dashes, got ${JSON.stringify(customerId)}`, nonRetryable: true });
  }
  const every = Number.isInteger(input.ContinueEvery) && (input.ContinueEvery as number) >= 1 ? (input.ContinueEvery as number) : DEFAULT_CONTINUE_EVERY;
  const state: CartCarried = input.Carried ?? emptyCart();
  const applied = new Set(state.updateIds ?? []);
  let changesThisRun = 0;
  const checkingOut = new Map<string, Promise<CheckoutResult>>();

  /** An update this cart already applied (in this run or the last): answered, not applied again. */
  const isRepeat = (): boolean => applied.has(currentUpdateInfo()?.id ?? '');
  const view = (): CartView => ({
    customerId,
    items: state.items.map((line) => ({ ...line })),
    changes: state.changes,
    run: state.run,
    runs: [...state.runs],
    checkouts: [...state.checkouts],
    changesThisRun,
    continueEvery: every,
    historyLength: workflowInfo().historyLength,
  });
  const changed = (): CartView => {
    state.changes += 1;
    changesThisRun += 1;
    const id = currentUpdateInfo()?.id;
    if (id !== undefined) applied.add(id);
    return view();
  };
  const lineOf = (id: number): CartLine | undefined => state.items.find((line) => line.id === id);

  setHandler(getCartQuery, view);

  setHandler(
    addItemUpdate,
    ({ itemId, quantity }) => {
      if (isRepeat()) return view();
      const line = lineOf(itemId);
      if (line) line.quantity += quantity;
      else state.items = sortLines([...state.items, { id: itemId, description: catalogItem(itemId)!.description, quantity }]);
      return changed();
    },
    {
      validator: (add) => {
        if (isRepeat()) return;
        const problem = itemIdProblem(add?.itemId) ?? quantityProblem(add?.quantity);
        if (problem) reject(problem);
        const has = lineOf(add.itemId)?.quantity ?? 0;
        if (has + add.quantity > MAX_QUANTITY) reject(`The cart holds at most ${MAX_QUANTITY} of an item: it has ${has} ${catalogItem(add.itemId)!.description} already.`);
      },
    },
  );

  setHandler(
    removeItemUpdate,
    ({ itemId, quantity }) => {
      if (isRepeat()) return view();
      const line = lineOf(itemId)!;
      line.quantity -= quantity ?? line.quantity;
      if (line.quantity === 0) state.items = state.items.filter((l) => l !== line);
      return changed();
    },
    {
      validator: (remove) => {
        if (isRepeat()) return;
        const problem = itemIdProblem(remove?.itemId) ?? (remove.quantity === undefined ? undefined : quantityProblem(remove.quantity));
        if (problem) reject(problem);
        const line = lineOf(remove.itemId);
        if (!line) reject(`There is no ${catalogItem(remove.itemId)!.description} in the cart.`);
        if (remove.quantity !== undefined && remove.quantity > line.quantity) reject(`The cart has only ${line.quantity} ${line.description}.`);
      },
    },
  );

  setHandler(resetCartUpdate, () => {
    if (isRepeat()) return view();
    state.items = [];
    return changed();
  });

  setHandler(
    checkoutUpdate,
    (checkout) => {
      const earlier = state.checkouts.find((c) => c.orderId === checkout.orderId);
      if (earlier) return Promise.resolve(earlier);
      let pending = checkingOut.get(checkout.orderId);
      if (!pending) {
        pending = startOrder(checkout.orderId, checkout.address, checkout.timeScale).finally(() => checkingOut.delete(checkout.orderId));
        checkingOut.set(checkout.orderId, pending);
      }
      return pending;
    },
    {
      validator: (checkout) => {
        const problem = checkoutProblem(checkout);
        if (problem) reject(problem);
        // The same order id again (a double click, a retry) is the same checkout: its answer, not a refusal.
        if (checkingOut.has(checkout.orderId) || state.checkouts.some((c) => c.orderId === checkout.orderId)) return;
        if (state.items.length === 0) reject('The cart is empty: add an item before checking out.');
      },
    },
  );

  /** Empties the cart into a new order; on failure the items go back (with any added meanwhile). */
  async function startOrder(orderId: string, address: string | undefined, timeScale: number | undefined): Promise<CheckoutResult> {
    const items = state.items;
    state.items = [];
    // Our own extra input fields: other workers ignore them (contract: unknown fields are ignored).
    const order: OrderInput & { CartItems: CartLine[]; CustomerId: string } = { OrderId: orderId, Address: address ?? DEFAULT_ADDRESS, CartItems: items, CustomerId: customerId };
    if (timeScale !== undefined && timeScale !== 1) order.TimeScale = timeScale;
    try {
      await startChild(workflowTypeOf('HappyPath'), {
        workflowId: orderWorkflowId(orderId),
        args: [order],
        // The order outlives the cart's run: the cart continues as new, the order runs on.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        // An order id ever used (even by an order that ended) is refused, never reused.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        staticSummary: `Checkout of ${customerId}'s cart`,
      });
    } catch (err) {
      for (const line of items) {
        const now = lineOf(line.id);
        if (now) now.quantity = Math.min(MAX_QUANTITY, now.quantity + line.quantity);
        else state.items = sortLines([...state.items, line]);
      }
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        throw ApplicationFailure.create({ type: 'OrderIdTaken', message: `Order ${orderId} already exists: check out again with a new order id.`, nonRetryable: true });
      }
      throw err;
    }
    const result: CheckoutResult = { orderId, workflowId: orderWorkflowId(orderId), items, at: new Date().toISOString() };
    state.checkouts = [result, ...state.checkouts].slice(0, REMEMBERED);
    changed();
    return result;
  }

  // Continue as new after `every` changes (small by default, so the room sees it), or when the server says
  // the history grows long; never in the middle of a checkout.
  await condition(() => changesThisRun >= every || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  const reason = changesThisRun >= every ? 'changes' : 'suggested';
  state.runs = [{ run: state.run, changes: state.changes, at: new Date().toISOString(), reason } as const, ...state.runs].slice(0, REMEMBERED);
  const updateIds = [...applied].slice(-REMEMBERED_UPDATES);
  await continueAsNew<typeof CartWorkflow>({ CustomerId: customerId, ContinueEvery: every, Carried: { ...state, run: state.run + 1, updateIds } });
}

function sortLines(lines: CartLine[]): CartLine[] {
  return lines.sort((a, b) => a.id - b.id);
}

// Worker Versioning: a cart lives for days; it moves to the current version at its next task instead of
// staying pinned to the code it started on (see src/workflows/versioning.ts).
setWorkflowOptions(autoUpgradeWhenVersioned, CartWorkflow);
