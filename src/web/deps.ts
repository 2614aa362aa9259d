/** What createApp needs from the outside world, and what its routes share. */
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { ConsoleMetrics } from '../metrics/console.js';
import type { OrderConsoleClient } from '../temporal/client.js';
import type { ProgressHub } from './sse/hub.js';
import type { Views } from './render.js';

/**
 * The console's side of the control channel to the orders worker: asks the worker to redeploy with the
 * RecoverableFailure fix. Resolves (with an optional message for the presenter) once the fix runs.
 * src/temporal/worker-control-client.ts's client fits as is.
 */
export interface WorkerControl {
  deployFix(): Promise<string | void>;
}

export interface AppDeps {
  client: OrderConsoleClient;
  config: Config;
  logger: Logger;
  metrics: ConsoleMetrics;
  /** Without it the "Deploy fix" button is shown disabled, with the manual command instead. */
  workerControl?: WorkerControl;
  /** How often the progress hub polls a watched order (default 400 ms). */
  pollIntervalMs?: number;
  /** Where views/ and public/ are (default: the project root's). */
  paths?: { views?: string; public?: string };
  /** Makes the order id offered on the home page (default: 6 random digits). */
  newOrderId?: () => string;
}

/** Everything a route module gets. */
export interface RouteContext extends Required<Pick<AppDeps, 'client' | 'config' | 'logger' | 'metrics' | 'newOrderId'>> {
  workerControl: WorkerControl | undefined;
  hub: ProgressHub;
  views: Views;
}
