/**
 * The API key panel's state and actions behind one object per console: the panel read is shared by every
 * open page (one pair of calls per second however many pages poll), and actions run one at a time, so two
 * presenters clicking at once cannot interleave an issue with a revoke.
 */
import type { Logger } from '../../logger.js';
import type { WorkerStatus } from '../../temporal/worker-control-client.js';
import type { GatewayKeyAdmin, WorkerKeyControl } from '../deps.js';
import { sharedRead } from '../shared-read.js';
import { revokeWorkerKey, rotateWorkerKey, setWorkerKey, type ActionOutcome } from './actions.js';
import { readKeyPanel, type KeyMode, type KeyPanel } from './panel.js';

export interface ApiKeyService {
  mode: KeyMode;
  /** True when the console can reach the worker's control channel at all (its secret is configured). */
  connected: boolean;
  panel(): Promise<KeyPanel>;
  /** The worker's own status (whether it polls, and why not), for Preflight; undefined without the control channel. */
  workerStatus: (() => Promise<WorkerStatus>) | undefined;
  revoke(): Promise<ActionOutcome>;
  rotate(options: { revokeOld: boolean }): Promise<ActionOutcome>;
  set(pastedKey: string): Promise<ActionOutcome>;
}

export interface ApiKeyServiceDeps {
  worker: WorkerKeyControl | undefined;
  gateway: GatewayKeyAdmin | undefined;
  logger: Logger;
  /** How long one panel read serves every page (default 1 s; pages poll every 2 s). */
  cacheMs?: number;
}

const NOT_CONNECTED: ActionOutcome = {
  ok: false,
  status: 409,
  message: 'The console is not connected to the worker\'s control channel (WORKER_CONTROL_SECRET is not set).',
};

export function createApiKeyService({ worker, gateway, logger, cacheMs = 1000 }: ApiKeyServiceDeps): ApiKeyService {
  const log = logger.child({ component: 'api-key' });
  const panel = sharedRead(() => readKeyPanel(worker, gateway), cacheMs);
  let queue: Promise<unknown> = Promise.resolve();
  const act = (run: (deps: { worker: WorkerKeyControl }) => Promise<ActionOutcome>): Promise<ActionOutcome> => {
    if (!worker) return Promise.resolve(NOT_CONNECTED);
    const result = queue.then(() => run({ worker })).finally(() => panel.invalidate());
    queue = result.catch(() => undefined);
    return result;
  };
  return {
    mode: gateway ? 'gateway' : 'cloud',
    connected: worker !== undefined,
    panel: () => panel.get(),
    workerStatus: worker && (() => worker.status()),
    revoke: () => act((d) => revokeWorkerKey({ ...d, gateway, logger: log })),
    rotate: (options) => act((d) => rotateWorkerKey({ ...d, gateway, logger: log }, options)),
    set: (pastedKey) => act((d) => setWorkerKey({ ...d, gateway, logger: log }, pastedKey)),
  };
}
