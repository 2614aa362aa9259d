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


  it('refuses text-direction overrides and zero-width characters, saying which kind it found', () => {
    for (const bad of ['1 Main St\u202E', '\u202Dx', '1 \u2067Main\u2069 St', '1 Main\u200FSt', '1 Main\u061CSt']) {
      expect(addressProblem(bad)).toMatch(/text-direction/);
    }
    for (const bad of ['1 Main\u200BSt', '1 Ma\u200Din St', '\uFEFF1 Main St', '1 Main\u2060St', '1 Ma\u00ADin']) {
      expect(addressProblem(bad)).toMatch(/zero-width/);
    }
    // Visible non-ASCII is fine.
    expect(addressProblem('12 Rue de l’Église, Zürich – 東京')).toBeUndefined();
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
