/**
 * Test-only: a HumanInLoopUpdate order shaped like the Go reference worker's (../shared/contract.md, "What
 * peers really send"), so the console's suites can check that it reads a peer, not only our worker:
 * - no getOrderState query: an unknown query answers with Go's own words;
 * - Go's timers after each step (1 s, 1 s, 3 s; shortened here), then the wait's own timer: a console that reads
 *   the history sees the wait begin as Go's does;
 * - the UpdateOrder handler is registered late (Go: as its wait begins; here once the `openAddressChanges`
 *   signal arrives, while the wait's timer runs, so the test decides when); an update sent earlier is refused;
 * - the update answers the bare address, without "Updated address: ";
 * - ShipOrder is called with two arguments, (order, item), as Go's HappyPath does.
 */
import { condition, defineSignal, proxyActivities, setDefaultQueryHandler, setHandler, sleep, uuid4, workflowInfo } from '@temporalio/workflow';
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
/** Go's 1 s, 1 s and 3 s timers, shortened: what counts is that they are in the history. */
const STEP_TIMER = 20;

export async function OrderWorkflowHumanInLoopUpdate(input: OrderInput): Promise<OrderResult> {
  let progress = 0;
  setHandler(getProgressQuery, () => progress);
  setDefaultQueryHandler((name) => {
    throw new Error(`unknown queryType ${name}. KnownQueryTypes=[getProgress]`);
  });
  await CheckFraud(input);
  progress = 25;
  await sleep(STEP_TIMER);
  await PrepareShipment(input);
  progress = 50;
  await sleep(STEP_TIMER);
  await ChargeCustomer(input, workflowInfo().workflowType);
  progress = 75;
  await sleep(STEP_TIMER);

  let address = '';
  setHandler(openAddressChanges, () =>
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
    ),
  );
  // The wait's timer (Go's AwaitWithTimeout): the console offers the form from here on.
  await condition(() => address !== '', '10 minutes');
  const order = { ...input, Address: address || input.Address };
  await Promise.all(ITEMS.map((item) => ShipOrder(order, item)));
  progress = 100;
  return { trackingId: uuid4(), address: order.Address };
}
