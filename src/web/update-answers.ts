/**
 * What peers answer to the UpdateOrder update, read the same way whichever worker runs the order
 * (../shared/contract.md, "What peers really send").
 */

const ACCEPTED_PREFIX = 'Updated address: ';

/** Said instead of an SDK's "unknown update" error: the worker exists, its wait for an address has not begun. */
export const UPDATE_NOT_OPEN_YET = 'The worker has not opened address changes yet: try again in a moment.';

/**
 * The answer as the room reads it: ours is "Updated address: <address>", Go's the bare address. Any other
 * wording is the worker's own and is shown as it is.
 */
export function updateAnswerText(answer: string, address: string): string {
  if (answer.startsWith(ACCEPTED_PREFIX)) return answer;
  return answer.trim() === address.trim() ? `${ACCEPTED_PREFIX}${answer.trim()}` : answer;
}

/**
 * True when the update reached a worker that has no UpdateOrder handler (yet): Go registers it only when its
 * wait begins, after the 3 s timer at 75 %. Each SDK words it its own way.
 */
export function isUnknownUpdate(message: string): boolean {
  return (
    /\bunknown update\b/i.test(message) || // Go: "unknown update UpdateOrder. KnownUpdates=[]"; Java: "Unknown update name ..."
    /no registered handler for update/i.test(message) || // TypeScript
    /update handler for .* expected but not found/i.test(message) // Python, .NET, Ruby
  );
}
