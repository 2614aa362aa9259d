import { describe, expect, it } from 'vitest';
import { MAX_KEY_LENGTH, apiKeyProblem } from './actions.js';

describe('apiKeyProblem', () => {
  const key = 'tmprl_AbC-123.xyz~_+/=';

  it('accepts printable ASCII without spaces', () => {
    expect(apiKeyProblem(key)).toBeUndefined();
    expect(apiKeyProblem('k'.repeat(MAX_KEY_LENGTH))).toBeUndefined();
  });

  it('refuses blank, spaces, control characters, non-ASCII and oversized input, without quoting it', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      [`${key} ${key}`, /spaces/],
      [`${key}\n${key}`, /control characters/],
      [`${key}\t`, /control characters/],
      [`${key}\u0000`, /control characters/],
      [`${key}\u00a0x`, /spaces/],
      [`${key}é`, /ASCII/],
      ['k'.repeat(MAX_KEY_LENGTH + 1), /longer/],
    ];
    for (const [input, expected] of cases) {
      const problem = apiKeyProblem(input);
      expect(problem, JSON.stringify(input.slice(0, 40))).toMatch(expected);
      expect(problem).not.toContain(key);
    }
  });
});
