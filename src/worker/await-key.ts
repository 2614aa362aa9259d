/**
 * What a worker's health endpoints and control channel say before its Worker runs, and how a worker whose
 * key the server refuses at start-up waits for a working one. NativeConnection.connect asks the server
 * first (GetSystemInfo), so such a worker cannot even connect. That is what a supervisor restart after a
 * revoke looks like (it hands the worker the last key the worker held); exiting would only be restarted with
 * the same dead key, again and again, and no new key could ever reach the worker.
 *
 * States: starting (connecting, making the Worker: INITIALIZED) → waiting for a key (FAILED, the connect
 * was refused; only a new key is taken, the rest answers "hand it a key first") → a handed key connects →
 * the caller goes on as after a normal connect and hands the endpoints over to the running worker. A handed
 * key the server refuses too leaves it waiting (the console hears why).
 */
import type { NativeConnection } from '@temporalio/worker';
import type { PollFailureWatch } from '../metrics/poll-failures.js';
import type { ControlHandlers } from './control.js';
import { grpcStatusName } from './failures.js';
import type { ReadinessSources } from './health.js';
import type { WorkerFailure } from './keep-running.js';

export interface StartupStage {
  health: ReadinessSources;
  handlers: ControlHandlers;
  /** Waits for a key, handed over the control channel, that `connect` gets through with. */
  awaitKey(refusal: unknown, connect: (key: string) => Promise<NativeConnection>): Promise<{ connection: NativeConnection; key: string }>;
}

export function startupStage({ fixDeployed, pollFailures }: { fixDeployed: boolean; pollFailures: PollFailureWatch }): StartupStage {
  let refusal: unknown;
  let failure: WorkerFailure | undefined;
  let connectWith: ((key: string) => Promise<void>) | undefined;
  const problem = (): string => failure?.detail ?? 'The worker is starting (connecting, making its Temporal Worker).';
  const notYet = (): Promise<never> =>
    Promise.reject(new Error(failure ? 'The worker has no key the server accepts yet: hand it one first.' : 'The worker is still starting: try again in a moment.'));

  return {
    health: {
      workerState: () => (failure ? 'FAILED' : 'INITIALIZED'),
      workerFailure: () => failure,
      pingServer: () => (failure ? Promise.reject(refusal) : Promise.reject(new Error('Not connected yet.'))),
      pollFailures,
    },
    handlers: {
      setApiKey: (key) => (connectWith ? connectWith(key) : notYet()),
      deployFix: notYet,
      restoreBug: notYet,
      status: () => ({ fixDeployed, pollRejections: pollFailures.rejections(), polling: false, workerState: failure ? 'FAILED' : 'INITIALIZED', pollingProblem: problem() }),
    },
    awaitKey(err, connect) {
      refusal = err;
      const error = grpcStatusName(err);
      failure = { error, since: new Date().toISOString(), attempts: 0, detail: `The server refused its API key at start-up (${error}); hand it a new key.` };
      return new Promise((resolve) => {
        connectWith = async (key) => {
          const connection = await connect(key);
          connectWith = undefined;
          failure = undefined; // starting again: the Worker is being made
          resolve({ connection, key });
        };
      });
    },
  };
}
