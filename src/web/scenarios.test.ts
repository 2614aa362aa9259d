import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../temporal/contract.js';
import { SCENARIO_CARDS, whatHappened } from './scenarios.js';

describe('What just happened', () => {
  it('names a Temporal feature for every scenario, on the ending the scenario is designed for', () => {
    expect(SCENARIO_CARDS.map((c) => c.name)).toEqual([...SCENARIOS]);
    for (const card of SCENARIO_CARDS) {
      expect(whatHappened(card.name, card.ending), card.name).toBe(card.happened);
      expect(card.happened, card.name).toMatch(/^[A-Z][\w -]+: /);
    }
    expect(whatHappened('APIFailure', 'completed')).toBe('Activity retries: the charge failed 4 times and Temporal retried it with backoff, no code of ours; attempt 5 went through.');
    expect(whatHappened('NonRecoverableFailure', 'failed')).toMatch(/^Saga compensations: /);
  });

  it('says nothing for another ending (a terminated order showed no feature) or an unknown workflow', () => {
    expect(whatHappened('HappyPath', 'terminated')).toBeUndefined();
    expect(whatHappened('NonRecoverableFailure', 'completed')).toBeUndefined();
    expect(whatHappened(undefined, 'completed')).toBeUndefined();
  });

  it('tells the timer when nobody changed the address', () => {
    expect(whatHappened('HumanInLoopSignal', 'completed')).toMatch(/^Signals: /);
    expect(whatHappened('HumanInLoopUpdate', 'completed')).toMatch(/^Updates: /);
    const timedOut = { addressTimedOut: { waitedSeconds: 60 } };
    expect(whatHappened('HumanInLoopUpdate', 'completed', timedOut)).toMatch(/^Durable timers: the workflow waited 60 s for a person/);
    expect(whatHappened('HumanInLoopSignal', 'completed', timedOut)).toMatch(/the timer fired and the order shipped to the original address\.$/);
    expect(whatHappened('HappyPath', 'completed', timedOut)).toMatch(/^Durable execution: /);
  });
});
