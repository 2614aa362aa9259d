/** What the presenter and the room should watch for in each scenario (the home page's cards). */
import { HUMAN_WAIT_SECONDS, SCENARIOS, workflowTypeOf } from '../temporal/contract.js';
import type { Scenario } from '../temporal/contract.js';

export interface ScenarioCard {
  name: Scenario;
  title: string;
  /** One line: what to look at, here and in the Temporal UI. */
  watch: string;
  /** The workflow type to look for in the Temporal UI. */
  workflowType: string;
}

const CARDS: Record<Scenario, Omit<ScenarioCard, 'name' | 'workflowType'>> = {
  HappyPath: {
    title: 'Happy path',
    watch: 'Watch fraud check, preparation, charge and three parallel shipments complete, each as an activity in the Temporal UI.',
  },
  AdvancedVisibility: {
    title: 'Advanced visibility',
    watch: 'Watch the OrderStatus search attribute change at every step; filter the Temporal UI list with OrderStatus = "Ship Order".',
  },
  HumanInLoopSignal: {
    title: 'Human in the loop: signal',
    watch: `At 75 % the order waits up to ${HUMAN_WAIT_SECONDS} s for a new address, sent as a fire-and-forget signal.`,
  },
  HumanInLoopUpdate: {
    title: 'Human in the loop: update',
    watch: `At 75 % the order waits up to ${HUMAN_WAIT_SECONDS} s for a new address, sent as an update: the workflow validates it and answers.`,
  },
  ChildWorkflow: {
    title: 'Child workflows',
    watch: 'Each item ships in its own ShippingWorkflow child (shipment-…); open them from the timeline.',
  },
  NexusOperation: {
    title: 'Nexus operation',
    watch: 'Each item ships through the shipping-endpoint Nexus endpoint: the ShippingWorkflows run in the nexus-demo namespace.',
  },
  APIFailure: {
    title: 'API failure',
    watch: 'Watch attempts 1–4 of ChargeCustomer fail in the Temporal UI ("API unavailable"), then attempt 5 succeed.',
  },
  RecoverableFailure: {
    title: 'Recoverable failure',
    watch: 'After the charge a bug fails the workflow task over and over; deploy the fix and the workflow replays and completes.',
  },
  NonRecoverableFailure: {
    title: 'Non-recoverable failure',
    watch: 'The card is declined (non-retryable InvalidCreditCard): the compensations undo the charge and the preparation, then the order fails.',
  },
  APIKeyRotation: {
    title: 'API key rotation',
    watch: "The happy path under its own workflow type: place it, then rotate the worker's key on the API key page; the order waits while the key is refused and carries on with the new one.",
  },
};

export const SCENARIO_CARDS: readonly ScenarioCard[] = SCENARIOS.map((name) => ({ name, workflowType: workflowTypeOf(name), ...CARDS[name] }));

export function scenarioTitle(scenario: Scenario | undefined): string {
  return scenario ? CARDS[scenario].title : 'Unknown scenario';
}
