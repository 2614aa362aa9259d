/**
 * The order's live state and every handler that reads or changes it: the contract's getProgress query,
 * this implementation's getOrderState/getAddressDeadline queries, and the UpdateOrder signal or update.
 * Handlers are registered before the first await so that early signals and updates are not lost.
 */
import { ApplicationFailure, log, setHandler } from '@temporalio/workflow';
import {
  addressOf,
  addressRejection,
  getProgressQuery,
  updateAcceptedMessage,
  updateOrderSignal,
  updateOrderUpdate,
} from '../temporal/contract.js';
import { getAddressDeadlineQuery, getOrderStateQuery, type OrderState } from './extras.js';

export interface FlowState extends OrderState {
  /** Set once an accepted UpdateOrder arrived; ends the address wait. */
  addressChanged: boolean;
  /** Set when the address wait is over: the order ships to `address` from then on. */
  addressFinal: boolean;
}

/** How a human-in-the-loop scenario receives the new address. */
export type AddressChannel = 'signal' | 'update';

export function createOrderState(address: string): FlowState {
  const state: FlowState = {
    progress: 0,
    step: 'Starting',
    compensations: [],
    awaitingAddress: false,
    addressDeadline: null,
    address,
    cancellable: true,
    addressChanged: false,
    addressFinal: false,
  };
  setHandler(getProgressQuery, () => state.progress);
  setHandler(getOrderStateQuery, () => snapshot(state));
  setHandler(getAddressDeadlineQuery, () => state.addressDeadline);
  return state;
}

/** The getOrderState answer: a copy, so a caller cannot change the workflow's state. */
export function snapshot(state: FlowState): OrderState {
  const { progress, step, compensations, awaitingAddress, addressDeadline, address, cancellable } = state;
  return { progress, step, compensations: [...compensations], awaitingAddress, addressDeadline, address, cancellable };
}

export function acceptAddressChanges(state: FlowState, channel: AddressChannel): void {
  if (channel === 'signal') {
    // A signal cannot be rejected: a blank or late one is logged and ignored, like a letter to a closed office.
    setHandler(updateOrderSignal, (change) => {
      const address = addressOf(change);
      if (address.trim() === '' || state.addressFinal) {
        log.warn('UpdateOrder signal ignored', { address, reason: state.addressFinal ? 'already shipping' : 'blank' });
        return;
      }
      changeAddress(state, address);
    });
    return;
  }
  setHandler(
    updateOrderUpdate,
    (change) => {
      const address = addressOf(change);
      changeAddress(state, address);
      return updateAcceptedMessage(address);
    },
    {
      validator: (change) => {
        const reason =
          addressRejection(addressOf(change)) ?? (state.addressFinal ? 'The order is already shipping' : undefined);
        if (reason) throw ApplicationFailure.create({ type: 'InvalidAddress', message: reason, nonRetryable: true });
      },
    },
  );
}

function changeAddress(state: FlowState, address: string): void {
  state.address = address;
  state.addressChanged = true;
  log.info('Address updated', { address });
}
