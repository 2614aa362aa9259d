/** The restock run's activity: the supplier reorders what is below minimum, keyed by the restock workflow's run. */
import type { Systems } from '../db/systems.js';
import { callInfo } from './context.js';

export function createRestock(systems?: Systems) {
  return async function restock(): Promise<{ reordered: number }> {
    if (!systems) return { reordered: 0 };
    const info = callInfo();
    const placed = await systems.warehouse.restock(`restock/${info.workflowId ?? ''}/${info.runId ?? ''}`);
    return { reordered: placed.length };
  };
}
