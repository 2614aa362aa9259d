/**
 * Queries this implementation adds on top of the wire contract, for the console's live view.
 * Workflow-safe (only @temporalio/workflow): the console and the tests import it too.
 * Other implementations do not answer these; callers must treat a failed query as "not available".
 */
import { defineQuery } from '@temporalio/workflow';
import type { FulfilmentState } from '../fulfilment/api.js';
import type { ORDER_STATUS_VALUES } from '../temporal/contract.js';

export type OrderStatusValue = (typeof ORDER_STATUS_VALUES)[keyof typeof ORDER_STATUS_VALUES];

/** What the order is doing now: the contract's OrderStatus values plus the states around them. */
export type OrderStep = 'Starting' | OrderStatusValue | 'Awaiting Address' | 'Compensating' | 'Failed';

export interface OrderState {
  /** Same value as the contract's getProgress query. */
  progress: number;
  step: OrderStep;
  /** Compensation activities already run, in the order they ran (e.g. UndoChargeCustomer, UndoPrepareShipment). */
  compensations: string[];
  /** True while a human-in-the-loop scenario waits for UpdateOrder. */
  awaitingAddress: boolean;
  /** Epoch ms (workflow time) at which the address wait gives up; null when not waiting. */
  addressDeadline: number | null;
  /** The address the order will ship to (changes when UpdateOrder is accepted). */
  address: string;
  /** False once the items ship: a cancel request is then recorded and ignored (absent from older workers). */
  cancellable?: boolean;
  /** Fulfilment with couriers only (OrderFulfilmentWorkflow): each shipment's state and the amendment. */
  fulfilment?: FulfilmentState;
}

/** patched() id: from this change on, shipping runs in a non-cancellable scope (see order-flow.ts). */
export const SHIPPING_NOT_CANCELLABLE = 'shipping-not-cancellable';
/** patched() id: from this change on, ShipOrder is scheduled with a heartbeat timeout (see order-input.ts). */
export const SHIP_ORDER_HEARTBEAT = 'ship-order-heartbeat';

/** Full live state of an order workflow. */
export const getOrderStateQuery = defineQuery<OrderState>('getOrderState');
/** Deadline of the address wait in epoch ms, or null when the order is not waiting for an address. */
export const getAddressDeadlineQuery = defineQuery<number | null>('getAddressDeadline');
