import { describe, expect, it } from 'vitest';
import { isUnknownUpdate, updateAnswerText } from './update-answers.js';

describe('updateAnswerText', () => {
  it("reads our answer and Go's bare address the same way", () => {
    expect(updateAnswerText('Updated address: 9 Elm St', '9 Elm St')).toBe('Updated address: 9 Elm St');
    expect(updateAnswerText('9 Elm St', '9 Elm St')).toBe('Updated address: 9 Elm St');
    expect(updateAnswerText('9 Elm St', ' 9 Elm St ')).toBe('Updated address: 9 Elm St');
  });

  it("keeps another worker's own wording", () => {
    expect(updateAnswerText('Address changed to 9 Elm St', '9 Elm St')).toBe('Address changed to 9 Elm St');
  });
});

describe('isUnknownUpdate', () => {
  it("recognises each SDK's words for an update with no handler", () => {
    expect(isUnknownUpdate('unknown update UpdateOrder. KnownUpdates=[]')).toBe(true);
    expect(isUnknownUpdate('No registered handler for update: UpdateOrder')).toBe(true);
    expect(isUnknownUpdate("Update handler for 'UpdateOrder' expected but not found, and there is no dynamic handler. known updates: []")).toBe(true);
    expect(isUnknownUpdate('Unknown update name: UpdateOrder')).toBe(true);
  });

  it("does not take a validator's rejection for one", () => {
    expect(isUnknownUpdate('Address must start with a digit')).toBe(false);
    expect(isUnknownUpdate('Rejecting order update, invalid address Main St')).toBe(false);
    expect(isUnknownUpdate('The order is already shipping')).toBe(false);
  });
});
