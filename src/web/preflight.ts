/**
 * Preflight: is everything the demo needs in place? Each check says what it found and, when it fails,
 * the exact command that fixes it, so a presenter can repair the setup before the audience arrives.
 * A worker counts as polling only if the server heard from it lately and, for the orders worker, if it
 * does not itself say it is not polling (operator/pollers.ts).
 */
import type { Config } from '../config.js';
import { ORDER_STATUS } from '../temporal/contract.js';
import type { OrderConsoleClient, TaskQueueKind } from '../temporal/client.js';
import { FIX_PREFIX, isUnimplemented, type DeploymentReader } from '../temporal/deployments.js';
import type { WorkerStatus } from '../temporal/worker-control-client.js';
import { countPollers, workerSelfReader, type WorkerSelf } from './operator/pollers.js';

export interface PreflightCheck {
  /** Stable id (data-testid="check-{id}"). */
  id: string;
  title: string;
  status: 'ok' | 'fail' | 'skipped';
  detail: string;
  /** The command that fixes a failed check. */
  fix: string | undefined;
}

type Outcome = { ok: boolean; detail: string };
interface Spec {
  id: string;
  title: string;
  fix: string;
  /** Only meaningful when the Nexus handler lives on the console's own server. */
  nexusSide?: boolean;
  run: () => Promise<Outcome>;
}

/**
 * `ordersWorker`: the orders worker's control channel status, when the console has its secret.
 * `deployment`: the orders' Worker Deployment, when versioning is on (the check says which Deploy fix runs).
 */
export async function runPreflight(client: OrderConsoleClient, config: Config, ordersWorker?: () => Promise<WorkerStatus>, deployment?: DeploymentReader): Promise<PreflightCheck[]> {
  const ns = config.temporal.namespace;
  const nexus = config.nexus;
  const nexusNs = nexus.handler.namespace;
  const sameServer = (nexus.handler.address ?? config.temporal.address) === config.temporal.address;
  const [health, self] = await Promise.all([client.checkServer(0), workerSelfReader(ordersWorker)()]);
  const server: PreflightCheck = {
    id: 'server',
    title: 'Temporal server reachable',
    status: health.reachable ? 'ok' : 'fail',
    detail: health.reachable ? `Answering at ${config.temporal.address ?? 'the configured address'}.` : health.reason ?? 'No answer.',
    fix: health.reachable ? undefined : config.temporal.external ? 'Check TEMPORAL_ADDRESS / your temporal.toml profile, then reload' : 'npm start',
  };
  const pollers = (namespace: string, queue: string, kind: TaskQueueKind, own?: WorkerSelf) => async (): Promise<Outcome> => {
    const { count, note } = countPollers(await client.pollers(namespace, queue, kind), Date.now(), own);
    const found = `${count} ${kind} poller${count === 1 ? '' : 's'} on task queue "${queue}" in ${namespace}.`;
    return { ok: count > 0, detail: note ? `${found} ${note}` : found };
  };
  // A worker that runs but whose key is refused needs a key, not a restart.
  const ordersFix = self?.polling === false && /refused|UNAUTHENTICATED|PERMISSION_DENIED/.test(self.problem ?? '')
    ? 'Hand the worker a new API key on the API key page (/api-key)'
    : 'npm run worker';
  const specs: Spec[] = [
    {
      id: 'namespace', title: `Namespace "${ns}" exists`, fix: `temporal operator namespace create --namespace ${ns}`,
      run: async () => bool(await client.namespaceExists(ns), 'Registered.', 'Not found.'),
    },
    {
      id: 'search-attribute', title: 'OrderStatus search attribute (Keyword)',
      fix: `temporal operator search-attribute create --namespace ${ns} --name ${ORDER_STATUS.name} --type Keyword`,
      run: async () => {
        const type = await client.searchAttributeType(ORDER_STATUS.name);
        return { ok: type === 'Keyword', detail: type ? `Registered as ${type}.` : 'Not registered.' };
      },
    },
    {
      id: 'nexus-namespace', title: `Nexus handler namespace "${nexusNs}" exists`, nexusSide: true,
      fix: `temporal operator namespace create --namespace ${nexusNs}`,
      run: async () => bool(await client.namespaceExists(nexusNs), 'Registered.', 'Not found.'),
    },
    {
      id: 'nexus-endpoint', title: `Nexus endpoint "${nexus.endpoint}"`,
      fix: `temporal operator nexus endpoint create --name ${nexus.endpoint} --target-namespace ${nexusNs} --target-task-queue ${nexus.taskQueue}`,
      run: async () => {
        const endpoint = await client.nexusEndpoint(nexus.endpoint);
        if (!endpoint) return { ok: false, detail: 'Not found.' };
        const ok = endpoint.namespace === nexusNs && endpoint.taskQueue === nexus.taskQueue;
        return { ok, detail: `Targets task queue "${endpoint.taskQueue ?? '?'}" in ${endpoint.namespace ?? '?'}${ok ? '.' : `; expected "${nexus.taskQueue}" in ${nexusNs}.`}` };
      },
    },
    {
      id: 'deploy-fix-mode', title: 'How Deploy fix deploys (Worker Versioning)',
      fix: 'Start the orders worker (npm run worker), or set ORDER_DEMO_VERSIONING=false for the in-process swap',
      run: () => deployFixMode(deployment),
    },
    { id: 'orders-workflow-worker', title: `Worker polling "${config.taskQueue}" for workflows`, fix: ordersFix, run: pollers(ns, config.taskQueue, 'workflow', self) },
    { id: 'orders-activity-worker', title: `Worker polling "${config.taskQueue}" for activities`, fix: ordersFix, run: pollers(ns, config.taskQueue, 'activity', self) },
    { id: 'shipping-workflow-worker', title: `Worker polling "${nexus.taskQueue}" for shipping workflows`, nexusSide: true, fix: 'npm run worker:shipping', run: pollers(nexusNs, nexus.taskQueue, 'workflow') },
    { id: 'shipping-nexus-worker', title: `Worker handling Nexus tasks on "${nexus.taskQueue}"`, nexusSide: true, fix: 'npm run worker:shipping', run: pollers(nexusNs, nexus.taskQueue, 'nexus') },
  ];
  const rest = await Promise.all(
    specs.map(async (spec): Promise<PreflightCheck> => {
      const base = { id: spec.id, title: spec.title };
      if (!health.reachable) return { ...base, status: 'skipped', detail: 'Needs the server.', fix: undefined };
      if (spec.nexusSide && !sameServer) {
        return { ...base, status: 'skipped', detail: 'The Nexus handler runs on another server: check it there.', fix: undefined };
      }
      try {
        const { ok, detail } = await spec.run();
        return { ...base, status: ok ? 'ok' : 'fail', detail, fix: ok ? undefined : spec.fix };
      } catch (err) {
        return { ...base, status: 'fail', detail: `Could not check: ${err instanceof Error ? err.message : String(err)}`, fix: spec.fix };
      }
    }),
  );
  return [server, ...rest];
}

async function deployFixMode(deployment: DeploymentReader | undefined): Promise<Outcome> {
  const swap = 'Deploy fix swaps the code inside the orders worker process';
  if (!deployment) return { ok: true, detail: `Versioning off (ORDER_DEMO_VERSIONING=false): ${swap}.` };
  try {
    const state = await deployment.read();
    if (!state) return { ok: false, detail: `Worker Deployment "${deployment.name}" not registered: no versioned orders worker has polled yet.` };
    if (!state.currentBuildId) return { ok: false, detail: `Worker Deployment "${deployment.name}" has no current version: the orders worker sets one when it starts.` };
    const fixed = state.currentBuildId.startsWith(FIX_PREFIX);
    return { ok: true, detail: `Worker Deployment "${deployment.name}": current version ${state.currentBuildId} (${fixed ? 'the fix' : 'with the bug'}). Deploy fix makes version 2 current.` };
  } catch (err) {
    if (isUnimplemented(err)) return { ok: true, detail: `This Temporal server has no Worker Deployments, so the worker runs unversioned: ${swap}.` };
    throw err;
  }
}

function bool(ok: boolean, yes: string, no: string): Outcome {
  return { ok, detail: ok ? yes : no };
}
