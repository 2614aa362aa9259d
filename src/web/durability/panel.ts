/**
 * The durability controls ("kill the worker" of the order demo seeds, done from the browser): what the
 * panel shows and what its buttons do. Only `npm start`'s supervisor owns the processes, so the panel
 * works only in a console it started (the IPC channel in src/process/supervision.ts); elsewhere it says why.
 */
import type { PartName, PartStatus, SupervisorAction, SupervisorClient, SupervisorReply } from '../../process/supervision.js';
import { sharedRead } from '../shared-read.js';

export type DurabilityAction = 'kill-worker' | 'start-worker' | 'restart-temporal';

export const ACTIONS: Record<DurabilityAction, SupervisorAction> = {
  'kill-worker': { action: 'kill', part: 'orders-worker' },
  'start-worker': { action: 'start', part: 'orders-worker' },
  'restart-temporal': { action: 'restart', part: 'temporal' },
};

export interface DurabilityPanel {
  available: boolean;
  /** Why the buttons are absent (not under npm start, or the launcher not answering). */
  reason?: string;
  parts: PartStatus[];
  worker: PartStatus | undefined;
  temporal: PartStatus | undefined;
  /** The orders worker is not running: the room is told the order waits and nothing is lost. */
  workerDown: boolean;
  autoRestartSeconds: number | null;
  /** Rendered before the first answer of the launcher (the region then loads itself at once). */
  loading?: boolean;
  result?: { ok: boolean; message: string };
}

const NOT_SUPERVISED =
  'These controls work when the console runs under `npm start`, whose supervisor owns the worker and server processes. ' +
  'Here, stop and start them yourself (for example Ctrl-C in the worker\'s terminal, then `npm run worker`).';

/** What the routes use: one status read shared by every open page, and the actions, which refresh it. */
export interface Durability {
  /** The panel a page renders without waiting (it then loads itself). */
  first(): DurabilityPanel;
  /** The current panel; concurrent and back-to-back reads (a room of pages refreshing every second) share one. */
  read(): Promise<DurabilityPanel>;
  run(action: DurabilityAction): Promise<DurabilityPanel>;
}

/** Pages refresh the panel every second: half of that keeps it live and costs the launcher one answer per tick. */
const SHARED_READ_MS = 500;

export function createDurability(supervisor: SupervisorClient | undefined): Durability {
  const status = sharedRead(() => readPanel(supervisor), SHARED_READ_MS);
  return {
    first: () => firstPanel(supervisor),
    read: () => status.get(),
    run: async (action) => {
      const panel = await runAction(supervisor, action);
      status.invalidate();
      return panel;
    },
  };
}

export function isDurabilityAction(value: string): value is DurabilityAction {
  return Object.hasOwn(ACTIONS, value);
}

async function readPanel(supervisor: SupervisorClient | undefined): Promise<DurabilityPanel> {
  if (!supervisor) return unavailable(NOT_SUPERVISED);
  try {
    return fromReply(await supervisor.request({ action: 'status' }));
  } catch {
    return unavailable('The launcher (`npm start`) is not answering: the controls are back when it does.');
  }
}

/** What a page renders without waiting: the unavailable panel, or an empty one that loads itself. */
function firstPanel(supervisor: SupervisorClient | undefined): DurabilityPanel {
  if (!supervisor) return unavailable(NOT_SUPERVISED);
  return { available: true, loading: true, parts: [], worker: undefined, temporal: undefined, workerDown: false, autoRestartSeconds: null };
}

/** Runs a button's action; the answer says what happened in one sentence. */
async function runAction(supervisor: SupervisorClient | undefined, action: DurabilityAction): Promise<DurabilityPanel> {
  if (!supervisor) return unavailable(NOT_SUPERVISED);
  // Restarting the server waits for it to stop and answer again: give it longer than a status read.
  const timeoutMs = action === 'restart-temporal' ? 90_000 : 60_000;
  try {
    const reply = await supervisor.request(ACTIONS[action], timeoutMs);
    return { ...fromReply(reply), result: { ok: reply.ok, message: reply.message } };
  } catch {
    return { ...unavailable('The launcher (`npm start`) did not answer.'), result: { ok: false, message: 'The launcher did not answer: nothing was changed.' } };
  }
}

function fromReply(reply: SupervisorReply): DurabilityPanel {
  const find = (name: PartName) => reply.status.parts.find((p) => p.name === name);
  const worker = find('orders-worker');
  return {
    available: true,
    parts: reply.status.parts,
    worker,
    temporal: find('temporal'),
    workerDown: !!worker && worker.state !== 'running',
    autoRestartSeconds: reply.status.autoRestartSeconds,
  };
}

function unavailable(reason: string): DurabilityPanel {
  return { available: false, reason, parts: [], worker: undefined, temporal: undefined, workerDown: false, autoRestartSeconds: null };
}
