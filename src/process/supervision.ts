/**
 * The conversation between `npm start`'s supervisor (scripts/lib/supervisor.ts) and the parts it runs,
 * over the IPC channel Node opens for forked children. No port, no secret: only a process the launcher
 * forked has this channel, so "under npm start" and "may ask the supervisor" are the same thing.
 *
 * - every part says `ready` once it serves (lifecycle.ts);
 * - the orders worker reports what must survive its own restart (`worker-state`: the API key it holds now,
 *   whether the RecoverableFailure fix is deployed), so that a restarted worker resumes as it was;
 * - the console asks for the status of the parts and for the durability drills (kill, start, restart);
 * - the console hands the launcher a one-time presenter sign-in link when it is ready and whenever the
 *   launcher asks (the presenter pressed Enter), for the terminal only;
 * - a worker started while the launcher's dev server is still starting asks `await-server` before it
 *   connects; the launcher answers `server-ready` once the server answers (at once if it already does).
 */

export type PartName = 'orders-worker' | 'shipping-worker' | 'web' | 'temporal' | 'database';

export const PART_LABELS: Record<PartName, string> = {
  'orders-worker': 'orders worker',
  'shipping-worker': 'shipping worker',
  web: 'console',
  temporal: 'Temporal server',
  database: 'embedded database',
};

/** What the supervisor knows of one part. */
export interface PartStatus {
  name: PartName;
  label: string;
  /**
   * running: up and ready; starting: started, not ready yet (also a restart after a crash);
   * stopped: killed or stopped on purpose, waiting for "Start" (or the automatic restart, see restartAt);
   * crashed: exited unexpectedly, restarting after a backoff (restartAt).
   */
  state: 'running' | 'starting' | 'stopped' | 'crashed';
  pid: number | null;
  /** Restarts after a crash or a kill since `npm start`. */
  restarts: number;
  /** When the current state began (ISO). */
  since: string;
  /** When the supervisor will start it again by itself (ISO), if it will. */
  restartAt: string | null;
}

export interface SupervisorStatus {
  parts: PartStatus[];
  /** Seconds after which a part killed from the console starts again by itself; null: only "Start" brings it back. */
  autoRestartSeconds: number | null;
}

export type SupervisorAction =
  | { action: 'status' }
  | { action: 'kill'; part: PartName }
  | { action: 'start'; part: PartName }
  | { action: 'restart'; part: PartName };

export interface SupervisorReply {
  ok: boolean;
  /** One sentence for the presenter. */
  message: string;
  status: SupervisorStatus;
}

/** What the orders worker hands the supervisor so that a restart resumes where it was. */
export interface WorkerState {
  /** The key the worker holds now (a rotated one included); kept in the launcher's memory only. */
  apiKey?: string;
  fixDeployed?: boolean;
}

export type ChildMessage =
  | { type: 'ready'; component: string; url?: string; signInUrl?: string }
  | ({ type: 'worker-state' } & WorkerState)
  | ({ type: 'supervisor-request'; id: number } & SupervisorAction)
  /** A new one-time presenter sign-in link, for the launcher to print (never to log). */
  | { type: 'presenter-link'; url: string }
  | { type: 'await-server' };

export type SupervisorMessage =
  | ({ type: 'supervisor-reply'; id: number } & SupervisorReply)
  /** The presenter pressed Enter in the launcher's terminal: the console answers with a presenter-link. */
  | { type: 'presenter-link-request' }
  | { type: 'server-ready' };

/** True when this process was forked by a supervisor (it has the IPC channel). */
export function underSupervisor(): boolean {
  return typeof process.send === 'function' && process.connected;
}

/** Tells the supervisor what a restart of this worker must keep. No-op without a supervisor. */
export function reportWorkerState(state: WorkerState): void {
  if (underSupervisor()) process.send!({ type: 'worker-state', ...state } satisfies ChildMessage);
}

/**
 * The console's side of the presenter's sign-in links: `issue` makes one, sent to the launcher whenever it
 * asks. No-op without a supervisor.
 */
export function servePresenterLinks(issue: () => string): void {
  if (!underSupervisor()) return;
  process.on('message', (msg: SupervisorMessage) => {
    if (msg?.type === 'presenter-link-request' && underSupervisor()) process.send!({ type: 'presenter-link', url: issue() } satisfies ChildMessage);
  });
}

/**
 * Resolves once the launcher says its Temporal server answers; at once without a launcher. The launcher
 * starts the parts while its dev server starts (they load their code meanwhile), so a worker waits here
 * rather than fail its first connection.
 */
export function serverReady(): Promise<void> {
  if (!underSupervisor()) return Promise.resolve();
  return new Promise((resolve) => {
    const onMessage = (msg: SupervisorMessage): void => {
      if (msg?.type !== 'server-ready') return;
      process.off('message', onMessage);
      resolve();
    };
    process.on('message', onMessage);
    process.send!({ type: 'await-server' } satisfies ChildMessage);
  });
}

/** The console's side: ask the supervisor something. */
export interface SupervisorClient {
  request(action: SupervisorAction, timeoutMs?: number): Promise<SupervisorReply>;
}

export class SupervisorUnavailableError extends Error {
  override name = 'SupervisorUnavailableError';
}

/** A client over this process's IPC channel, or undefined when no supervisor started this process. */
export function supervisorClient(): SupervisorClient | undefined {
  if (!underSupervisor()) return undefined;
  let nextId = 1;
  const pending = new Map<number, (reply: SupervisorReply) => void>();
  process.on('message', (msg: SupervisorMessage) => {
    if (msg?.type !== 'supervisor-reply') return;
    pending.get(msg.id)?.({ ok: msg.ok, message: msg.message, status: msg.status });
    pending.delete(msg.id);
  });
  return {
    request(action, timeoutMs = 10_000) {
      if (!underSupervisor()) return Promise.reject(new SupervisorUnavailableError('the launcher is gone'));
      const id = nextId++;
      return new Promise<SupervisorReply>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new SupervisorUnavailableError('the launcher did not answer in time'));
        }, timeoutMs);
        pending.set(id, (reply) => {
          clearTimeout(timer);
          resolve(reply);
        });
        process.send!({ type: 'supervisor-request', id, ...action } satisfies ChildMessage);
      });
    },
  };
}
