/**
 * Time to recover from a break, as a presenter sees it: the part serving again (the supervisor runs it in
 * a new process, ready), and the orders moving again: the first event in an order's history that only a
 * working part could have written, stamped by the server (same machine, same clock as the drill).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import type { PartName } from '../../src/process/supervision.js';
import type { DrillOrder } from './drill-orders.js';
import type { Supervisor } from './supervisor.js';

const { EventType } = proto.temporal.api.enums.v1;
type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;

/** A break: the process killed and when. */
export interface Kill {
  pid: number;
  at: number;
}

/** SIGKILLs a supervised part's process, as `kill -9` would: to the supervisor, an unexpected exit. */
export function killPart(supervisor: Supervisor, name: PartName): Kill {
  const pid = supervisor.child(name)?.pid;
  if (!pid) throw new Error(`The ${name} is not running: nothing to kill.`);
  process.kill(pid, 'SIGKILL');
  return { pid, at: Date.now() };
}

/**
 * When the supervisor, by itself, had the part running again in another process (ms since the epoch,
 * the moment it became ready), or undefined if it did not within timeoutMs.
 */
export async function partBack(supervisor: Supervisor, name: PartName, killed: Kill, timeoutMs = 90_000): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const part = supervisor.status().parts.find((p) => p.name === name);
    if (part?.state === 'running' && part.pid !== null && part.pid !== killed.pid) return Date.parse(part.since);
    await sleep(100);
  }
  return undefined;
}

/** Which events show the orders moving: work a worker did, or Nexus operations the shipping handler served. */
export type Movement = 'worker' | 'nexus';

export interface MovingOptions {
  /** Only events after this moment (ms) count. */
  after: number;
  kind: Movement;
  /** A worker process that cannot be the one moving them (killed): its identity is `<pid>@<host>`. */
  notByPid?: number;
  timeoutMs?: number;
}

const WORKER_EVENTS = new Set([EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED]);
const NEXUS_EVENTS = new Set([EventType.EVENT_TYPE_NEXUS_OPERATION_STARTED, EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED]);
const CLOSED = new Set([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
]);

/**
 * The server time (ms) of the first event, among these orders, that shows them moving after `after`; undefined
 * if none did within the timeout, or every order had ended without one. Histories are read once a second
 * (failures while the server is down are waited out); the time comes from the event, not from the read.
 */
export async function movingAgain(orders: DrillOrder[], o: MovingOptions): Promise<number | undefined> {
  const deadline = Date.now() + (o.timeoutMs ?? 90_000);
  let watched = orders;
  // Histories are read at least once, so timeoutMs 0 asks "did they move after `after`, so far?".
  for (let first = true; (first || Date.now() < deadline) && watched.length; first = false) {
    const reads = await Promise.all(watched.map((order) => order.handle.fetchHistory().then((h) => h.events ?? [], () => undefined)));
    const times = reads.flatMap((events) => (events ?? []).filter((e) => shows(e, o)).map((e) => optionalTsToMs(e.eventTime) ?? 0));
    if (times.length) return Math.min(...times);
    // An order that ended without moving after the break will not move any more.
    watched = watched.filter((_, i) => !CLOSED.has(reads[i]?.at(-1)?.eventType ?? EventType.EVENT_TYPE_UNSPECIFIED));
    if (Date.now() < deadline) await sleep(1000);
  }
  return undefined;
}

function shows(e: HistoryEvent, o: MovingOptions): boolean {
  const type = e.eventType ?? EventType.EVENT_TYPE_UNSPECIFIED;
  if (!(o.kind === 'worker' ? WORKER_EVENTS : NEXUS_EVENTS).has(type)) return false;
  if ((optionalTsToMs(e.eventTime) ?? 0) <= o.after) return false;
  if (o.notByPid === undefined) return true;
  const identity = e.workflowTaskCompletedEventAttributes?.identity ?? e.activityTaskCompletedEventAttributes?.identity ?? '';
  return !identity.startsWith(`${o.notByPid}@`);
}

/** Seconds from `from` to `to`, or undefined when `to` never came. */
export const secondsBetween = (from: number, to: number | undefined): number | undefined => (to === undefined ? undefined : (to - from) / 1000);

/** One SIGKILL of a supervised part and what followed: when it was back, when the orders moved again. */
export interface KillRecovery {
  kill: Kill;
  back: number | undefined;
  moving: number | undefined;
}

/**
 * SIGKILLs the part, waits for the supervisor to bring it back by itself, then for these orders to move.
 * Nexus progress is only counted once the handler is back: a callback already on its way when the shipping
 * worker died would otherwise pass for recovery.
 */
export async function killAndWatch(supervisor: Supervisor, part: PartName, orders: DrillOrder[], kind: Movement): Promise<KillRecovery> {
  const kill = killPart(supervisor, part);
  const back = await partBack(supervisor, part, kill);
  if (back === undefined) return { kill, back, moving: undefined };
  const moving = await movingAgain(orders, {
    after: kind === 'nexus' ? back : kill.at,
    kind,
    notByPid: part === 'orders-worker' ? kill.pid : undefined,
  });
  return { kill, back, moving };
}

/** The Recovery of a drill's kills, in seconds from each kill. */
export function recoveryOf(kills: KillRecovery[]): { back: (number | undefined)[]; moving: (number | undefined)[] } {
  return {
    back: kills.map((k) => secondsBetween(k.kill.at, k.back)),
    moving: kills.map((k) => secondsBetween(k.kill.at, k.moving)),
  };
}

/** Date.now() when the probe first held (tried every 250 ms), or undefined after timeoutMs. */
export async function firstTime(probe: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return Date.now();
    await sleep(250);
  }
  return undefined;
}

/** When the last of these orders ended (ms, server time), or undefined while one still runs. */
export async function lastEndedAt(orders: DrillOrder[]): Promise<number | undefined> {
  const closed = await Promise.all(orders.map(async (o) => (await o.handle.describe().catch(() => undefined))?.closeTime?.getTime()));
  return closed.some((t) => t === undefined) ? undefined : Math.max(...(closed as number[]));
}
