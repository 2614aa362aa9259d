/**
 * The cart's contract: workflow type, id, updates, query and the shapes they carry. Workflow-safe (only
 * @temporalio/workflow, the order contract and the warehouse's catalog, plain data): the workflow, the
 * console and the tests import it, so no name is typed twice. The cart is this product's extension
 * (../shared/contract.md, "Our extensions"): peers of other languages do not know it and lose nothing.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { addressRejection, isOrderId } from '../temporal/contract.js';
import { CATALOG as WAREHOUSE_CATALOG } from '../warehouse/catalog.js';

export const CART_WORKFLOW_TYPE = 'CartWorkflow';

/** A customer id: lower-case letters, digits and dashes, 1 to 32 (it becomes part of a workflow id and a URL). */
export const CUSTOMER_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

export function isCustomerId(value: unknown): value is string {
  return typeof value === 'string' && CUSTOMER_ID_PATTERN.test(value);
}

export function cartWorkflowId(customerId: string): string {
  return `cart-${customerId}`;
}

/** What the shop sells: the warehouse's catalog, the contract's three items (the ones every order ships). */
export const CATALOG: readonly { id: number; description: string }[] = WAREHOUSE_CATALOG.map(({ id, description }) => ({ id, description }));

export const MAX_QUANTITY = 99;
/** Continue as new after this many changes by default (config: ORDER_DEMO_CART_CONTINUE_EVERY). */
export const DEFAULT_CONTINUE_EVERY = 10;
/** How many checkouts and continue-as-new moments the cart remembers (they travel with it). */
export const REMEMBERED = 10;
/** How many applied update ids travel to the next run (more than one run's changes, concurrent ones included). */
export const REMEMBERED_UPDATES = 200;

export interface CartLine {
  id: number;
  description: string;
  quantity: number;
}

/** A moment the cart continued as new: the run that ended, after how many changes in all, when (ISO). */
export interface RunMark {
  run: number;
  changes: number;
  at: string;
  /** Why: N changes reached, or the server suggested it (history too long). */
  reason: 'changes' | 'suggested';
}

export interface CheckoutResult {
  orderId: string;
  workflowId: string;
  items: CartLine[];
  at: string;
}

/** What travels from one run to the next. */
export interface CartCarried {
  items: CartLine[];
  /** Accepted changes since the cart began (all runs). */
  changes: number;
  /** 1 for the first run, +1 at each continue-as-new. */
  run: number;
  runs: RunMark[];
  checkouts: CheckoutResult[];
  /**
   * Ids of the updates applied lately. The server may deliver an update completed in the same workflow
   * task as the continue-as-new to the next run again (temporalio/temporal#6375): the next run recognises
   * it and answers without applying it twice.
   */
  updateIds?: string[];
}

export interface CartInput {
  CustomerId: string;
  /** Continue as new after this many changes in one run; recorded in the input, so replay stays deterministic. */
  ContinueEvery?: number;
  /** Set by the cart itself when it continues as new. */
  Carried?: CartCarried;
}

export interface CartView extends Omit<CartCarried, 'updateIds'> {
  customerId: string;
  changesThisRun: number;
  continueEvery: number;
  /** Events in this run's history, as of the last workflow task. */
  historyLength: number;
}

export interface AddItem {
  itemId: number;
  quantity: number;
}
export interface RemoveItem {
  itemId: number;
  /** Default: all of it. */
  quantity?: number;
}
export interface Checkout {
  /** The new order's id, chosen by the caller: the same id twice is one checkout (a double click). */
  orderId: string;
  address?: string;
  /** The order's TimeScale (the console's pace). */
  timeScale?: number;
}

export const addItemUpdate = defineUpdate<CartView, [AddItem]>('addItem');
export const removeItemUpdate = defineUpdate<CartView, [RemoveItem]>('removeItem');
export const resetCartUpdate = defineUpdate<CartView, []>('resetCart');
export const checkoutUpdate = defineUpdate<CheckoutResult, [Checkout]>('checkout');
export const getCartQuery = defineQuery<CartView>('getCart');

/** The update id of a checkout: a second request with the same order id is the same update to Temporal. */
export function checkoutUpdateId(orderId: string): string {
  return `checkout-${orderId}`;
}

export function catalogItem(id: unknown): (typeof CATALOG)[number] | undefined {
  return CATALOG.find((item) => item.id === id);
}

const CATALOG_WORDS = CATALOG.map((i) => `${i.id} (${i.description})`).join(', ');

/** Why an item id is refused, or undefined. */
export function itemIdProblem(id: unknown): string | undefined {
  return catalogItem(id) ? undefined : `Unknown item ${JSON.stringify(id)}: the shop sells ${CATALOG_WORDS}.`;
}

/** Why a quantity is refused, or undefined. */
export function quantityProblem(quantity: unknown): string | undefined {
  return Number.isInteger(quantity) && (quantity as number) >= 1 && (quantity as number) <= MAX_QUANTITY
    ? undefined
    : `Quantity must be a whole number from 1 to ${MAX_QUANTITY}, got ${JSON.stringify(quantity)}.`;
}

/** Why a checkout request is refused before looking at the cart, or undefined. */
export function checkoutProblem(checkout: Checkout | undefined): string | undefined {
  if (!isOrderId(checkout?.orderId)) return `The order id must be 1 to 12 digits, got ${JSON.stringify(checkout?.orderId)}.`;
  if (checkout.address !== undefined) return addressRejection(checkout.address);
  return undefined;
}
