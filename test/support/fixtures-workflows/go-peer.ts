/**
 * Test-only: a HumanInLoopUpdate order shaped like the Go reference worker's (../shared/contract.md, "What
 * peers really send"), so the console's suites can check that it reads a peer, not only our worker:
 * - no getOrderState query: an unknown query answers with Go's own words;
 * - the UpdateOrder handler is registered only when the wait begins (Go: after the 3 s timer at 75 %; here
 *   after the `openAddressChanges` signal, so the test decides when); an update sent earlier is refused;
 * - the update answers the bare address, without "Updated address: ";
 * - ShipOrder is called with two arguments, (order, item), as Go's HappyPath does.
 */
import { condition, defineSignal, proxyActivities, setDefaultQueryHandler, setHandler, uuid4, workflowInfo } from '@temporalio/workflow';
import { addressOf, getProgressQuery, updateOrderUpdate } from '../../../src/temporal/contract.js';
import type { Item, OrderInput, OrderResult } from '../../../src/temporal/contract.js';

export interface GoPeerActivities {
  CheckFraud(order: OrderInput): Promise<void>;
  PrepareShipment(order: OrderInput): Promise<void>;
  ChargeCustomer(order: OrderInput, workflowType: string): Promise<void>;
  ShipOrder(order: OrderInput, item: Item): Promise<void>;
}

/** Ends the wait that stands for Go's 3 s timer: the handler is registered right after. */
export const openAddressChanges = defineSignal('openAddressChanges');

const ITEMS: Item[] = [
  { id: 654300, description: 'Table Top', quantity: 1 },
  { id: 654321, description: 'Table Legs', quantity: 2 },
  { id: 654322, description: 'Keypad', quantity: 1 },
];

const { CheckFraud, PrepareShipment, ChargeCustomer, ShipOrder } = proxyActivities<GoPeerActivities>({ startToCloseTimeout: '5s' });

export async function OrderWorkflowHumanInLoopUpdate(input: OrderInput): Promise<OrderResult> {
  let progress = 0;
  setHandler(getProgressQuery, () => progress);
  setDefaultQueryHandler((name) => {
    throw new Error(`unknown queryType ${name}. KnownQueryTypes=[getProgress]`);
  });
  await CheckFraud(input);
  progress = 25;
  await PrepareShipment(input);
  progress = 50;
  await ChargeCustomer(input, workflowInfo().workflowType);
  progress = 75;

  let open = false;
  setHandler(openAddressChanges, () => void (open = true));
  await condition(() => open, '10 minutes');

  let address = '';
  setHandler(
    updateOrderUpdate,
    (change) => {
      address = addressOf(change);
      return address;
    },
    {
      validator: (change) => {
        const value = addressOf(change);
        if (!/^[0-9]/.test(value)) throw new Error(`Rejecting order update, invalid address ${value}`);
      },
    },
  );
  await condition(() => address !== '', '10 minutes');
  const order = { ...input, Address: address || input.Address };
  await Promise.all(ITEMS.map((item) => ShipOrder(order, item)));
  progress = 100;
  return { trackingId: uuid4(), address: order.Address };
}
