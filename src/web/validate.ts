/**
 * Input checks done by the console before anything reaches Temporal. Each returns the message shown
 * next to the field, or undefined when the value is fine.
 */
import { isOrderId } from '../temporal/contract.js';

export const MAX_ADDRESS_LENGTH = 200;

/** The home page's pace choices: how many times slower than the configured pace an order runs. */
export const PACES = [
  { value: '1', label: 'Demo pace' },
  { value: '2', label: 'Slow motion (2× slower)' },
  { value: '3', label: 'Very slow (3× slower)' },
] as const;

/** The slowdown of a pace field; an absent field is demo pace, anything else not offered is refused. */
export function slowdownOf(value: string): number | undefined {
  if (value === '') return 1;
  return PACES.some((p) => p.value === value) ? Number(value) : undefined;
}

// C0 and C1 control characters (and DEL): invisible on a projector and never part of an address.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

// Characters that change how text reads without showing themselves: bidirectional overrides, embeddings,
// isolates and marks (an address that reads "1 Main St" but is stored backwards), and zero-width ones
// (soft hyphen, zero-width space, joiners, word joiner, invisible operators, byte order mark).
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const ZERO_WIDTH = /[\u00ad\u180e\u200b-\u200d\u2060-\u2064\ufeff]/;

export function addressProblem(address: string): string | undefined {
  if (address.trim() === '') return 'Enter an address.';
  if (address.length > MAX_ADDRESS_LENGTH) return `Keep the address to ${MAX_ADDRESS_LENGTH} characters or fewer.`;
  if (CONTROL_CHARACTERS.test(address)) return 'The address contains control characters (tabs, line breaks...).';
  if (BIDI_CONTROLS.test(address)) return 'The address contains invisible text-direction characters (such as U+202E, which makes text read backwards): type it again without them.';
  if (ZERO_WIDTH.test(address)) return 'The address contains invisible zero-width characters (such as U+200B): type it again without them.';
  return undefined;
}

export function orderIdProblem(orderId: string): string | undefined {
  return isOrderId(orderId) ? undefined : 'An order id is 1 to 12 digits.';
}

/** A form field as a string: absent and repeated fields (a file, an array) count as empty. */
export function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value : '';
}
