/** What createApp needs from the outside world, and what its routes share. */
import type { CartClient } from '../cart/client.js';
import type { Shop } from '../cart/shop.js';
import type { Config } from '../config.js';
import type { FulfilmentClient } from '../fulfilment/client.js';
import type { IdempotenceClient } from '../idempotence/client.js';
import type { SupervisorClient } from '../process/supervision.js';
import type { Logger } from '../logger.js';
import type { ConsoleMetrics } from '../metrics/console.js';
import type { OrderConsoleClient } from '../temporal/client.js';
import type { DeploymentControl, DeploymentReader } from '../temporal/deployments.js';
import type { GatewayAdminClient, WorkerControlClient } from '../temporal/worker-control-client.js';
import type { Systems } from '../db/systems.js';
import type { EffectsReader } from '../effects/panel.js';
import type { ApiKeyService } from './api-key/service.js';
import type { Durability } from './durability/panel.js';
import type { OperatorFigures } from './operator/figures.js';
import type { Access } from './room/access.js';
import type { Sessions } from './room/sessions.js';
import type { ProgressHub } from './sse/hub.js';
import type { Views } from './render.js';

/**
 * What the worker says about the RecoverableFailure fix after a deploy or a restore: whether it runs the
 * fixed code now, and whether this call changed anything (false: it already did, or already did not).
 */
export interface FixChange {
  fixDeployed: boolean;
  changed?: boolean;
}

/**
 * The console's side of the control channel to the orders worker: deploy the RecoverableFailure fix, put
 * the bug back for the next rehearsal, and ask which code runs. Each resolves once the worker runs that
 * code; a worker that does not say whether anything changed may resolve with nothing.
 * src/temporal/worker-control-client.ts's client fits as is.
 */
export interface WorkerControl {
  deployFix(): Promise<FixChange | void>;
  restoreBug(): Promise<FixChange | void>;
  status(): Promise<{ fixDeployed: boolean }>;
}

/** The worker's API key, through its control channel (createWorkerControlClient fits as is). */
export type WorkerKeyControl = Pick<WorkerControlClient, 'status' | 'setApiKey' | 'revokeApiKey'>;

/** The demo gateway's key admin (createGatewayAdminClient fits as is); absent against Temporal Cloud. */
export type GatewayKeyAdmin = Pick<GatewayAdminClient, 'listKeys' | 'issueKey' | 'revokeKey'>;

export interface AppDeps {
  client: OrderConsoleClient;
  config: Config;
  logger: Logger;
  metrics: ConsoleMetrics;
  /** Without it the stuck banner says how to deploy the fixed worker code by hand, and offers no button. */
  workerControl?: WorkerControl;
  /** The orders' Worker Deployment (versioning on): the operator page lists its versions. */
  deployment?: DeploymentReader;
  /** The deployment control's ramp (versioning on): without it the operator page's ramp posts answer 501. */
  deploymentRamp?: Pick<DeploymentControl, 'ramp'>;
  /** Without it the API key page explains how to connect the console to the worker's control channel. */
  workerKeys?: WorkerKeyControl;
  /** With it the API key panel runs in gateway mode (issue and revoke keys offline); without, in Cloud mode. */
  gatewayAdmin?: GatewayKeyAdmin;
  /** The outside systems' records (DATABASE_URL): the order pages' Effects panel and the Warehouse page; without them both say so. */
  systems?: Systems;
  /** `npm start`'s supervisor (the console's IPC channel): without it the durability controls say why they are absent. */
  supervisor?: SupervisorClient;
  /**
   * How often a followed order is described again while something pending can change without a history
   * event (an activity retrying, a workflow task waiting for a worker); default 1 s. New events need no
   * polling: the follower's long poll brings them.
   */
  recheckMs?: number;
  /** Where views/ and public/ are (default: the project root's). */
  paths?: { views?: string; public?: string };
  /** Makes the order id offered on the home page (default: 6 random digits). */
  newOrderId?: () => string;
  /** Fulfilment with couriers (src/fulfilment/client.ts): without it the Courier page and its actions say why they are absent. */
  fulfilment?: FulfilmentClient;
  /** Idempotence across a crash (src/idempotence/client.ts): without it its card and API say why they cannot place one. */
  idempotence?: IdempotenceClient;
  /** Hosts, origins and whether sign-in is on (default: from config.web and this machine's interfaces). */
  access?: Access;
  /** Sign-in tokens and sessions (default: from config.web); main.ts shares it to print the sign-in link. */
  sessions?: Sessions;
  /** The shop's carts (src/cart/client.ts); without it the Shop page and the cart API answer 503. */
  carts?: CartClient;
}

/** Everything a route module gets. */
export interface RouteContext extends Required<Pick<AppDeps, 'client' | 'config' | 'logger' | 'metrics' | 'newOrderId'>> {
  workerControl: WorkerControl | undefined;
  deployment: DeploymentReader | undefined;
  deploymentRamp: Pick<DeploymentControl, 'ramp'> | undefined;
  supervisor: SupervisorClient | undefined;
  systems: Systems | undefined;
  effects: EffectsReader;
  durability: Durability;
  apiKeys: ApiKeyService;
  operator: OperatorFigures;
  hub: ProgressHub;
  views: Views;
  access: Access;
  sessions: Sessions;
  shop: Shop | undefined;
  fulfilment: FulfilmentClient | undefined;
  idempotence: IdempotenceClient | undefined;
}
