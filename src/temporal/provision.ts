/**
 * Creates, idempotently, what the scenarios need on a Temporal server: the OrderStatus search attribute,
 * the Nexus handler's namespace and the Nexus endpoint that targets it. Safe to run on every start.
 * (Task queues need no creation: they exist as soon as a worker polls them.)
 */
import { Connection } from '@temporalio/client';
// CommonJS package: Node's ESM loader cannot see its named exports.
import proto from '@temporalio/proto';
import Long from 'long';
import type { Config } from '../config.js';
import { grpcCode } from './client-health.js';
import { ORDER_STATUS } from './contract.js';
import { startDevServer, type DevServer } from './devserver.js';

export interface ProvisionTarget {
  namespace: string;
  nexus: { endpoint: string; namespace: string; taskQueue: string };
}

/** What the scenarios need, named by the config. */
export function provisionTarget(config: Pick<Config, 'temporal' | 'nexus'>): ProvisionTarget {
  return {
    namespace: config.temporal.namespace,
    nexus: { endpoint: config.nexus.endpoint, namespace: config.nexus.handler.namespace, taskQueue: config.nexus.taskQueue },
  };
}

/**
 * A throw-away dev server (free port, in-memory state) provisioned like `npm start`'s: for the test harness
 * and for recording histories.
 */
export async function startProvisionedDevServer(
  config: Pick<Config, 'temporal' | 'nexus'>,
  cliPath: string,
  options: { uiPort?: number } = {},
): Promise<DevServer> {
  const server = await startDevServer({
    cliPath,
    port: 0,
    uiPort: options.uiPort,
    namespaces: [config.nexus.handler.namespace],
    searchAttributes: { [ORDER_STATUS.name]: 'Keyword' },
  });
  try {
    const connection = await Connection.connect({ address: server.address });
    try {
      await provision(connection, provisionTarget(config));
    } finally {
      await connection.close();
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

export interface ProvisionReport {
  created: string[];
  skipped: string[];
}

const { IndexedValueType } = proto.temporal.api.enums.v1;

export async function provision(connection: Connection, target: ProvisionTarget): Promise<ProvisionReport> {
  const report: ProvisionReport = { created: [], skipped: [] };
  for (const ns of new Set([target.namespace, target.nexus.namespace])) {
    if (await ensureNamespace(connection, ns)) report.created.push(`namespace ${ns}`);
  }
  if (await ensureOrderStatus(connection, target.namespace)) report.created.push(`search attribute ${ORDER_STATUS.name}`);
  if (await ensureNexusEndpoint(connection, target.nexus)) report.created.push(`Nexus endpoint ${target.nexus.endpoint}`);
  return report;
}

async function ensureNamespace(connection: Connection, namespace: string): Promise<boolean> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return false;
  } catch (err) {
    if (!isGrpc(err, 5 /* NOT_FOUND */)) throw err;
  }
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(24 * 3600) },
  });
  // A new namespace takes a moment to become usable on every frontend.
  for (let i = 0; i < 50; i++) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return true;
}

async function ensureOrderStatus(connection: Connection, namespace: string): Promise<boolean> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  if (existing.customAttributes?.[ORDER_STATUS.name] !== undefined) return false;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: { [ORDER_STATUS.name]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    });
  } catch (err) {
    if (!isGrpc(err, 6 /* ALREADY_EXISTS */)) throw err;
    return false;
  }
  return true;
}

async function ensureNexusEndpoint(connection: Connection, nexus: ProvisionTarget['nexus']): Promise<boolean> {
  const { endpoints } = await connection.operatorService.listNexusEndpoints({ name: nexus.endpoint, pageSize: 10 });
  if (endpoints?.some((e) => e.spec?.name === nexus.endpoint)) return false;
  // A namespace registered a moment ago is not yet known to the endpoint registry, which answers
  // FAILED_PRECONDITION ("namespace not found") until its cache catches up: ask again for a while.
  for (let attempt = 1; ; attempt++) {
    try {
      await connection.operatorService.createNexusEndpoint({
        spec: {
          name: nexus.endpoint,
          target: { worker: { namespace: nexus.namespace, taskQueue: nexus.taskQueue } },
        },
      });
      return true;
    } catch (err) {
      if (isGrpc(err, 6 /* ALREADY_EXISTS */)) return false;
      if (!isGrpc(err, 9 /* FAILED_PRECONDITION */) || attempt >= 60) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

function isGrpc(err: unknown, code: number): boolean {
  return grpcCode(err) === code;
}
