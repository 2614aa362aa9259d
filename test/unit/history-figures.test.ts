import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { durationMs, eventTimeMs, maxConcurrent, mean, orderFigures, type JsonHistory } from '../../scripts/lib/history-figures.js';

/** Round 1's recordings: fixed histories whose event times the figures below were read from. */
const fixture = (name: string): JsonHistory =>
  JSON.parse(readFileSync(new URL(`../fixtures/histories/round1/${name}.json`, import.meta.url), 'utf8')) as JsonHistory;

describe('history figures', () => {
  it('reads event times to the microsecond and durations in ms', () => {
    expect(eventTimeMs('2026-11-21T13:59:19.146042867Z') - eventTimeMs('2026-11-21T13:59:19Z')).toBeCloseTo(146.043, 3);
    expect(eventTimeMs('2026-11-21T13:59:19Z')).toBe(Date.UTC(2026, 10, 21, 13, 59, 19));
    expect(durationMs('0.150s')).toBe(150);
    expect(durationMs('3s')).toBe(3000);
    expect(() => durationMs(undefined)).toThrow(/Not a duration/);
  });

  it('splits a HappyPath order into designed delays and overhead', () => {
    // Recorded at TimeScale 0.05: each 200 ms call is 10 ms, the timers 50, 50 and 150 ms, and the three
    // ShipOrder ran side by side for 107, 133 and 181 ms (within their designed 50–200 ms): the longest counts.
    const figures = orderFigures(fixture('HappyPath'));
    expect(figures.durationMs).toBeCloseTo(eventTimeMs('2026-11-21T13:59:22.980191Z') - eventTimeMs('2026-11-21T13:59:19.146042867Z'), 2);
    expect(figures.designedMs).toBeCloseTo(10 + 50 + 10 + 50 + 10 + 150 + 181.338, 2);
    expect(figures.overheadMs).toBeCloseTo(figures.durationMs - figures.designedMs, 6);
    expect(figures.workflowTaskMs).toHaveLength(9);
    // The first workflow task: started 13:59:19.187720, completed 13:59:19.346050.
    expect(figures.workflowTaskMs[0]).toBeCloseTo(158.33, 1);
    expect(figures.activityRuns).toHaveLength(6);
    expect(maxConcurrent(figures.activityRuns)).toBe(3);
  });

  it('clamps a random activity to its designed range', () => {
    const history = fixture('HappyPath');
    // Make one ShipOrder report its completion 10 s late: only 200 ms of it (its designed maximum at 0.05) is design.
    const late = history.events.find((e) => e.eventId === '50')!;
    late.eventTime = '2026-11-21T13:59:32.883098Z';
    const completed = history.events.find((e) => e.eventType === 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED')!;
    completed.eventTime = '2026-11-21T13:59:32.980191Z';
    const figures = orderFigures(history);
    expect(figures.designedMs).toBeCloseTo(10 + 50 + 10 + 50 + 10 + 150 + 200, 2);
  });

  it('refuses a history that has not closed', () => {
    const history = fixture('HappyPath');
    expect(() => orderFigures({ events: history.events.slice(0, 20) })).toThrow(/closed workflow/);
  });

  it('counts the most intervals open at once; touching ones do not overlap', () => {
    expect(maxConcurrent([])).toBe(0);
    expect(maxConcurrent([{ start: 0, end: 10 }, { start: 10, end: 20 }])).toBe(1);
    expect(maxConcurrent([{ start: 0, end: 10 }, { start: 5, end: 20 }, { start: 6, end: 7 }, { start: 8, end: 30 }])).toBe(3);
    expect(mean([1, 2, 6])).toBe(3);
    expect(mean([])).toBeNaN();
  });
});
