/**
 * Creates, idempotently, what the scenarios need on a Temporal server: the OrderStatus search attribute,
 * the Nexus handler's namespace and the Nexus endpoint that targets it. Safe to run on every start.
 * (Task queues need no creation: they exist as soon as a worker polls them.)
 */
import { Connection } from '@temporalio/client';
// CommonJS package: Node's ESM loader cannot see its named exports.
import proto from '@temporalio/proto';
import Long from 'long';
import { ORDER_STATUS } from './contract.js';

export interface ProvisionTarget {
  namespace: string;
  nexus: { endpoint: string; namespace: string; taskQueue: string };
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
  try {
    await connection.operatorService.createNexusEndpoint({
      spec: {
        name: nexus.endpoint,
        target: { worker: { namespace: nexus.namespace, taskQueue: nexus.taskQueue } },
      },
    });
  } catch (err) {
    if (!isGrpc(err, 6 /* ALREADY_EXISTS */)) throw err;
    return false;
  }
  return true;
}

export function isGrpc(err: unknown, code: number): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
