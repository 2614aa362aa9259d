/**
 * OrderFulfilmentWorkflow: the shared order flow up to the charge, then people. Each item's shipment waits
 * for a courier to dispatch it (the carrier call, ShipOrder, runs then) and to deliver it. Until the first
 * dispatch the customer may amend quantities (then confirm before a deadline, or the order is cancelled
 * automatically by a durable timer) or cancel (Temporal's cancellation); either way the saga undoes the
 * charge and the preparation. States and rules: ./api.ts. Workflow-safe.
 *
 * Cancellation is watched, not let through: the wait for the first dispatch runs in a non-cancellable scope
 * and notes a cancel request, so a dispatch and a cancel arriving together resolve one way only (a shipment
 * that left is never undone), and a dispatch validator can refuse an order being cancelled.
 */
import { ApplicationFailure, CancellationScope, CancelledFailure, condition, log, setHandler } from '@temporalio/workflow';
import type { OrderInput, OrderResult } from '../temporal/contract.js';
import { getOrderStateQuery } from '../workflows/extras.js';
import { currentOrder, runOrderFlow, shipOrderActivity, type FlowContext } from '../workflows/order-flow.js';
import { snapshot, type FlowState } from '../workflows/order-state.js';
import { paceOf } from '../workflows/pace.js';
import {
  amendmentProblem,
  amendOrderUpdate,
  confirmAmendmentUpdate,
  deliverShipmentUpdate,
  dispatchShipmentUpdate,
  FULFILMENT_FAILURE,
  getFulfilmentQuery,
  type FulfilmentState,
  type Shipment,
  type ShipmentRef,
} from './api.js';

export async function OrderFulfilmentWorkflow(input: OrderInput): Promise<OrderResult> {
  const f: FulfilmentState = { phase: 'preparing', shipments: [], amendment: null, amendable: false, cancelledBecause: null };
  const waitMs = paceOf(input ?? {}).humanWaitMs;
  let flow: FlowState | undefined;
  let cancelRequested = false;
  /** Bumped by every accepted amendment and confirmation: wakes the wait for the first dispatch. */
  let changes = 0;
  CancellationScope.current().cancelRequested.catch(() => {
    cancelRequested = true;
  });

  const reject = (message: string): never => {
    throw ApplicationFailure.create({ type: FULFILMENT_FAILURE.rejected, message, nonRetryable: true });
  };
  const shipmentOf = (ref: ShipmentRef | undefined): Shipment =>
    f.shipments.find((s) => s.item.id === ref?.itemId) ?? reject(`Item ${String(ref?.itemId)} is not in this order`);
  const openForCustomer = (): void => {
    if (cancelRequested || f.phase === 'cancelled') reject('The order is being cancelled');
    if (f.phase === 'preparing') reject('The order is not charged yet: it can be amended once it waits for a courier');
    if (!f.amendable) reject('A shipment has left: the order can no longer be amended');
  };

  setHandler(getFulfilmentQuery, () => copyOf(f));
  setHandler(
    dispatchShipmentUpdate,
    (ref) => {
      const s = shipmentOf(ref);
      s.status = 'dispatched';
      s.dispatchedAt = Date.now();
      // The first dispatch closes amend and cancel (the console reads `cancellable`).
      f.amendable = false;
      f.phase = 'shipping';
      if (flow) flow.cancellable = false;
      log.info('Shipment dispatched', { itemId: s.item.id });
      return { ...s, item: { ...s.item } };
    },
    {
      validator: (ref) => {
        if (f.phase === 'preparing') reject('The order is not ready for couriers yet: it is still being charged');
        const s = shipmentOf(ref);
        if (s.status !== 'waiting') reject(`${s.item.description} is already ${s.status}`);
        // Once a shipment has left, a cancel request is ignored: the other couriers carry on.
        if (f.phase === 'cancelled' || (cancelRequested && f.phase === 'awaiting-courier')) reject('The order is being cancelled');
        if (f.amendment?.state === 'awaiting-confirmation') reject('The customer amended the order: it waits for their confirmation');
      },
    },
  );
  setHandler(
    deliverShipmentUpdate,
    (ref) => {
      const s = shipmentOf(ref);
      s.status = 'delivered';
      s.deliveredAt = Date.now();
      log.info('Shipment delivered', { itemId: s.item.id });
      return { ...s, item: { ...s.item } };
    },
    {
      validator: (ref) => {
        if (f.phase === 'preparing') reject('The order is not ready for couriers yet: it is still being charged');
        const s = shipmentOf(ref);
        if (s.status === 'waiting') reject(`${s.item.description} has not been dispatched: a courier must dispatch it first`);
        if (s.status === 'delivered') reject(`${s.item.description} is already delivered`);
      },
    },
  );
  setHandler(
    amendOrderUpdate,
    (request) => {
      // A new amendment replaces one still waiting for confirmation, and its deadline starts again.
      f.amendment = {
        changes: request.items.map(({ id, quantity }) => ({ id, quantity })),
        state: 'awaiting-confirmation',
        deadline: Date.now() + waitMs,
      };
      changes++;
      log.info('Order amended', { changes: f.amendment.changes });
      return copyOf(f).amendment!;
    },
    {
      validator: (request) => {
        openForCustomer();
        const problem = amendmentProblem(request, f.shipments.map((s) => s.item));
        if (problem) reject(problem);
      },
    },
  );
  setHandler(
    confirmAmendmentUpdate,
    () => {
      const amendment = f.amendment!;
      for (const change of amendment.changes) {
        const s = f.shipments.find((x) => x.item.id === change.id);
        if (s) s.item.quantity = change.quantity;
      }
      amendment.state = 'confirmed';
      amendment.deadline = null;
      changes++;
      log.info('Amendment confirmed');
      return copyOf(f).amendment!;
    },
    {
      validator: () => {
        if (f.amendment?.state !== 'awaiting-confirmation') reject('There is no amendment waiting for confirmation');
        openForCustomer();
      },
    },
  );

  return runOrderFlow(input, {
    onState: (state) => {
      flow = state;
      setHandler(getOrderStateQuery, () => ({ ...snapshot(state), fulfilment: copyOf(f) }));
    },
    afterCharge: (ctx) => awaitFirstDispatch(ctx),
    shipItems: (ctx) => shipByCourier(ctx),
  });

  /** Charged: the shipments wait for couriers; the customer may amend (and must confirm) or cancel meanwhile. */
  async function awaitFirstDispatch(ctx: FlowContext): Promise<void> {
    f.shipments = ctx.items.map((item) => ({ item: { ...item }, status: 'waiting', dispatchedAt: null, deliveredAt: null }));
    f.phase = 'awaiting-courier';
    f.amendable = true;
    const dispatched = () => f.shipments.some((s) => s.status !== 'waiting');
    await CancellationScope.nonCancellable(async () => {
      for (;;) {
        if (dispatched()) return;
        if (cancelRequested) {
          f.amendable = false;
          f.phase = 'cancelled';
          throw new CancelledFailure('Cancelled by the customer before the first dispatch');
        }
        const seen = changes;
        const woken = () => changes !== seen || cancelRequested || dispatched();
        const pending = f.amendment?.state === 'awaiting-confirmation' ? f.amendment : undefined;
        if (!pending) {
          await condition(woken);
          continue;
        }
        // The durable timer of the confirmation: it survives worker restarts, and a replay keeps its deadline.
        if (await condition(woken, Math.max(1, (pending.deadline ?? Date.now()) - Date.now()))) continue;
        f.amendable = false;
        f.phase = 'cancelled';
        f.cancelledBecause = `The amended order was not confirmed within ${Math.round(waitMs / 1000)} s`;
        throw ApplicationFailure.create({ type: FULFILMENT_FAILURE.notConfirmed, message: `Cancelled automatically: ${f.cancelledBecause}`, nonRetryable: true });
      }
    });
  }

  /** Every shipment in parallel: its courier dispatches it, the carrier call runs, its courier delivers it. */
  async function shipByCourier(ctx: FlowContext): Promise<void> {
    await Promise.all(
      f.shipments.map(async (s) => {
        await condition(() => s.status !== 'waiting');
        await shipOrderActivity(ctx.pace, ctx.activities)({ Order: currentOrder(ctx), Item: { ...s.item } });
        await condition(() => s.status === 'delivered');
      }),
    );
    f.phase = 'delivered';
  }
}

function copyOf(f: FulfilmentState): FulfilmentState {
  return {
    ...f,
    shipments: f.shipments.map((s) => ({ ...s, item: { ...s.item } })),
    amendment: f.amendment ? { ...f.amendment, changes: f.amendment.changes.map((c) => ({ ...c })) } : null,
  };
}
