import { describe, expect, it } from 'vitest';
import { MAX_ADDRESS_LENGTH, addressProblem, field, orderIdProblem } from './validate.js';

describe('addressProblem', () => {
  it('accepts an ordinary address, including quotes and markup-looking text (escaped on output)', () => {
    expect(addressProblem('123 Main St. Redwood, CA')).toBeUndefined();
    expect(addressProblem('9 "Quoted" <Lane> & Sons')).toBeUndefined();
    expect(addressProblem('x'.repeat(MAX_ADDRESS_LENGTH))).toBeUndefined();
  });

  it('rejects blank, too long and control characters', () => {
    expect(addressProblem('')).toMatch(/Enter an address/);
    expect(addressProblem('   ')).toMatch(/Enter an address/);
    expect(addressProblem('x'.repeat(MAX_ADDRESS_LENGTH + 1))).toMatch(/200 characters/);
    for (const bad of ['1 Main\nSt', '1 Main\tSt', '1 Main\u0000St', '1 Main\u007fSt', '1 Main\u0085St']) {
      expect(addressProblem(bad)).toMatch(/control characters/);
    }
  });
});

describe('orderIdProblem', () => {
  it('accepts 1 to 12 digits only', () => {
    expect(orderIdProblem('123456')).toBeUndefined();
    expect(orderIdProblem('1')).toBeUndefined();
    for (const bad of ['', 'abc', '12 34', '<script>', '1234567890123', '-1']) expect(orderIdProblem(bad)).toBeDefined();
  });
});

describe('field', () => {
  it('reads strings and treats anything else as empty', () => {
    expect(field({ a: 'x', b: ['y'], c: new File([], 'f') }, 'a')).toBe('x');
    expect(field({ b: ['y'] }, 'b')).toBe('');
    expect(field({}, 'missing')).toBe('');
  });
});
