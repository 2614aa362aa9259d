/**
 * The wire contract shared with the order demos in other languages (../shared/contract.md).
 * Workflow-safe: imported by workflows, activities, the console and the tests, so no name is typed twice.
 */
import { defineSearchAttributeKey } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/** Every order workflow type of the contract is `OrderWorkflow` + one of these; APIKeyRotation is HappyPath under its own name. */
export const SCENARIOS = [
  'HappyPath',
  'AdvancedVisibility',
  'HumanInLoopSignal',
  'HumanInLoopUpdate',
  'ChildWorkflow',
  'NexusOperation',
  'APIFailure',
  'RecoverableFailure',
  'NonRecoverableFailure',
  'APIKeyRotation',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'string' && (SCENARIOS as readonly string[]).includes(value);
}

const WORKFLOW_TYPE_PREFIX = 'OrderWorkflow';
export type OrderWorkflowType = `${typeof WORKFLOW_TYPE_PREFIX}${Scenario}`;

export function workflowTypeOf(scenario: Scenario): OrderWorkflowType {
  return `${WORKFLOW_TYPE_PREFIX}${scenario}`;
}

/** The scenario a workflow type belongs to, or undefined for anything that is not an order workflow. */
export function scenarioOf(workflowType: string): Scenario | undefined {
  const name = workflowType.startsWith(WORKFLOW_TYPE_PREFIX) ? workflowType.slice(WORKFLOW_TYPE_PREFIX.length) : '';
  return isScenario(name) ? name : undefined;
}

/** OrderIds are short strings of digits; the console generates 6. */
export const ORDER_ID_PATTERN = /^[0-9]{1,12}$/;

export function isOrderId(value: unknown): value is string {
  return typeof value === 'string' && ORDER_ID_PATTERN.test(value);
}

export function orderWorkflowId(orderId: string): string {
  return `order-${orderId}`;
}

/** The OrderId inside an order workflow id, or undefined when the id is not one of ours. */
export function orderIdOf(workflowId: string): string | undefined {
  const id = workflowId.startsWith('order-') ? workflowId.slice('order-'.length) : '';
  return isOrderId(id) ? id : undefined;
}

export function shipmentWorkflowId(orderId: string, itemId: number): string {
  return `shipment-${orderId}-${itemId}`;
}

export const SHIPPING_WORKFLOW_TYPE = 'ShippingWorkflow';
/** Our extension (not the wire contract's): the warehouse's restock run, started by a Temporal Schedule. */
export const RESTOCK_WORKFLOW_TYPE = 'RestockWorkflow';
export const RESTOCK_SCHEDULE_ID = 'order-demo-restock';

/** Activity type names, exactly as the other implementations register them. */
export const ACTIVITY = {
  getItems: 'GetItems',
  checkFraud: 'CheckFraud',
  prepareShipment: 'PrepareShipment',
  undoPrepareShipment: 'UndoPrepareShipment',
  chargeCustomer: 'ChargeCustomer',
  undoChargeCustomer: 'UndoChargeCustomer',
  shipOrder: 'ShipOrder',
} as const;

export const DEFAULT_ADDRESS = '123 Main St. Redwood, CA';

/**
 * Workflow input. PascalCase per the contract. TimeScale and HumanWaitSeconds are this implementation's
 * optional extensions (other implementations ignore them): they let tests and benchmarks run the
 * designed delays faster while staying deterministic, because they are part of the recorded input.
 */
export interface OrderInput {
  OrderId: string;
  Address: string;
  /** Multiplies every designed delay (timers, simulated calls, retry intervals); 1 = demo pace. */
  TimeScale?: number;
  /** How long the human-in-the-loop scenarios wait for a new address; default 60. */
  HumanWaitSeconds?: number;
}

export interface OrderResult {
  trackingId: string;
  address: string;
}

export interface Item {
  id: number;
  description: string;
  quantity: number;
}

export interface ShippingInput {
  Order: OrderInput;
  Item: Item;
}

/** Payload of the UpdateOrder signal and update; some senders use lower-case `address`. */
export interface AddressChange {
  Address?: string;
  address?: string;
}

export function addressOf(change: AddressChange | undefined | null): string {
  const value = change?.Address ?? change?.address;
  return typeof value === 'string' ? value : '';
}

export const getProgressQuery = defineQuery<number>('getProgress');
export const updateOrderSignal = defineSignal<[AddressChange]>('UpdateOrder');
export const updateOrderUpdate = defineUpdate<string, [AddressChange]>('UpdateOrder');

export const PROGRESS = { started: 0, fraudChecked: 25, shipmentPrepared: 50, charged: 75, completed: 100 } as const;

export const ORDER_STATUS = defineSearchAttributeKey('OrderStatus', 'KEYWORD');
export const ORDER_STATUS_VALUES = {
  checkFraud: 'Check Fraud',
  prepareShipment: 'Prepare Shipment',
  chargeCustomer: 'Charge Customer',
  shipOrder: 'Ship Order',
  completed: 'Order Completed',
} as const;

export const HUMAN_WAIT_SECONDS = 60;

/** The update validator's rule: an address is accepted when it is not blank and starts with a digit. */
export function addressRejection(address: string): string | undefined {
  if (address.trim() === '') return 'Address must not be blank';
  if (!/^[0-9]/.test(address)) return 'Address must start with a digit';
  return undefined;
}

export function updateAcceptedMessage(address: string): string {
  return `Updated address: ${address}`;
}

/** Nexus shipping service names (the endpoint name is deployment config: TEMPORAL_NEXUS_SHIPPING_ENDPOINT). */
export const NEXUS_SHIPPING = { service: 'shipping-service', operation: 'ship-item' } as const;

/** Error message of the RecoverableFailure scenario's deliberate workflow bug. */
export const SIMULATED_BUG_MESSAGE = 'Simulated bug - fix me!';
export const API_FAILURE_MESSAGE = 'API unavailable';
export const INVALID_CREDIT_CARD = 'InvalidCreditCard';
