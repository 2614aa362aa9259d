/**
 * Test-only workflows for the gateway suite: a short timer loop (proves a worker's polls and completions
 * pass through the gateway) and a wait for a signal (the key-rotation scenario).
 */
import { condition, defineQuery, defineSignal, setHandler, sleep } from '@temporalio/workflow';

export const goSignal = defineSignal('go');
export const waitingQuery = defineQuery<boolean>('waiting');

/** Sleeps `ticks` times for a moment each, then returns how many ticks it counted. */
export async function ticker(ticks: number): Promise<number> {
  let count = 0;
  for (; count < ticks; count += 1) await sleep(100);
  return count;
}

/** Waits for the `go` signal, then returns 'done'. */
export async function waitForGo(): Promise<string> {
  let go = false;
  setHandler(goSignal, () => void (go = true));
  setHandler(waitingQuery, () => !go);
  await condition(() => go);
  return 'done';
}
