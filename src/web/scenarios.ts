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
  /** How the scenario ends when it goes as designed. */
  ending: 'completed' | 'failed';
  /** "What just happened", on the outcome card: the Temporal feature the room just saw, in one line. */
  happened: string;
}

/** Human in the loop, when nobody answered: the same feature for both channels. */
const timerFired = (seconds: number) =>
  `Durable timers: the workflow waited ${seconds} s for a person without holding a worker; the timer fired and the order shipped to the original address.`;

const CARDS: Record<Scenario, Omit<ScenarioCard, 'name' | 'workflowType'>> = {
  HappyPath: {
    title: 'Happy path',
    watch: 'Watch fraud check, preparation, charge and three parallel shipments complete, each as an activity in the Temporal UI.',
    ending: 'completed',
    happened: 'Durable execution: every step ran exactly once, recorded in the workflow\'s history, and the three items shipped in parallel.',
  },
  AdvancedVisibility: {
    title: 'Advanced visibility',
    watch: 'Watch the OrderStatus search attribute change at every step; filter the Temporal UI list with OrderStatus = "Ship Order".',
    ending: 'completed',
    happened: 'Search attributes: the workflow set OrderStatus at every step, so the Temporal UI can list and filter orders by where they are.',
  },
  HumanInLoopSignal: {
    title: 'Human in the loop: signal',
    watch: `At 75 % the order waits up to ${HUMAN_WAIT_SECONDS} s for a new address, sent as a fire-and-forget signal.`,
    ending: 'completed',
    happened: 'Signals: the workflow waited durably for a person, and the new address reached it as a signal while it ran (fire and forget, no answer).',
  },
  HumanInLoopUpdate: {
    title: 'Human in the loop: update',
    watch: `At 75 % the order waits up to ${HUMAN_WAIT_SECONDS} s for a new address, sent as an update: the workflow validates it and answers.`,
    ending: 'completed',
    happened: 'Updates: the workflow\'s validator checked the new address before accepting it, and the workflow answered the sender, all in its history.',
  },
  ChildWorkflow: {
    title: 'Child workflows',
    watch: 'Each item ships in its own ShippingWorkflow child (shipment-…); open them from the timeline.',
    ending: 'completed',
    happened: 'Child workflows: each item shipped in a ShippingWorkflow of its own, with its own history, started and awaited by the order.',
  },
  NexusOperation: {
    title: 'Nexus operation',
    watch: 'Each item ships through the shipping-endpoint Nexus endpoint: the ShippingWorkflows run in the nexus-demo namespace.',
    ending: 'completed',
    happened: 'Nexus: the order called a shipping service in another namespace through a Nexus endpoint, without knowing who runs it or where.',
  },
  APIFailure: {
    title: 'API failure',
    watch: 'Watch attempts 1–4 of ChargeCustomer fail in the Temporal UI ("API unavailable"), then attempt 5 succeed.',
    ending: 'completed',
    happened: 'Activity retries: the charge failed 4 times and Temporal retried it with backoff, no code of ours; attempt 5 went through.',
  },
  RecoverableFailure: {
    title: 'Recoverable failure',
    watch: 'After the charge a bug fails the workflow task over and over; deploy the fix and the workflow replays and completes.',
    ending: 'completed',
    happened: 'Workflow replay: the bug failed a workflow task, not the order; once the fix was deployed the worker replayed the history and carried on from where it stopped, redoing nothing.',
  },
  NonRecoverableFailure: {
    title: 'Non-recoverable failure',
    watch: 'The card is declined (non-retryable InvalidCreditCard): the compensations undo the charge and the preparation, then the order fails.',
    ending: 'failed',
    happened: 'Saga compensations: the declined card is a non-retryable error, so Temporal did not retry; the workflow undid the charge, then the shipment preparation, and failed.',
  },
  APIKeyRotation: {
    title: 'API key rotation',
    watch: "The happy path under its own workflow type: place it, then rotate the worker's key on the API key page; the order waits while the key is refused and carries on with the new one.",
    ending: 'completed',
    happened: 'Durable execution across a key rotation: while the worker\'s key is refused the order waits in Temporal, and it carries on with the new key, losing nothing.',
  },
};

export const SCENARIO_CARDS: readonly ScenarioCard[] = SCENARIOS.map((name) => ({ name, workflowType: workflowTypeOf(name), ...CARDS[name] }));

export function scenarioTitle(scenario: Scenario | undefined): string {
  return scenario ? CARDS[scenario].title : 'Unknown scenario';
}

/**
 * "What just happened" for an order that ended as its scenario does; undefined for any other ending (a
 * terminated order showed no feature). A human-in-the-loop order nobody answered showed the timer.
 */
export function whatHappened(
  scenario: Scenario | undefined, ending: string, options: { addressTimedOut?: { waitedSeconds: number } } = {},
): string | undefined {
  if (!scenario || CARDS[scenario].ending !== ending) return undefined;
  const timedOut = options.addressTimedOut;
  if (timedOut && (scenario === 'HumanInLoopSignal' || scenario === 'HumanInLoopUpdate')) return timerFired(timedOut.waitedSeconds);
  return CARDS[scenario].happened;
}
