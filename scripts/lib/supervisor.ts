/**
 * Keeps the parts of the demo up: starts each one, restarts it with backoff when it exits unexpectedly,
 * and lets the presenter kill, start and restart parts on purpose (the console's durability buttons).
 *
 * One Part per process. Its states (src/process/supervision.ts has them for the console):
 *   starting ── ready ──▶ running ── exits unexpectedly ──▶ crashed ── backoff ──▶ starting
 *   running ── kill()/stop() (on purpose) ──▶ stopped ── start() or the automatic restart ──▶ starting
 *   any ── stopAll() ──▶ stopped for good (`closing`: no exit is a crash any more)
 * A start that fails (the process exits before it is ready) counts as a crash and is retried with backoff.
 * Backoff: 0.5 s, then doubling up to 10 s; back to 0.5 s once a part has run for a minute.
 */
import type { ChildProcess } from 'node:child_process';
import { PART_LABELS, type PartName, type PartStatus, type SupervisorStatus } from '../../src/process/supervision.js';

export interface PartSpec {
  name: PartName;
  /** Starts the process and resolves once it is ready; rejects if it exits first. */
  start(): Promise<ChildProcess>;
  /** Stops it gently (SIGTERM and a grace time); resolves once it has exited. */
  stop(child: ChildProcess): Promise<void>;
  /** Crash restarts of this part are delayed by at least this much (ms), e.g. to let ports be released. */
  minBackoffMs?: number;
}

interface Part {
  spec: PartSpec;
  state: PartStatus['state'];
  child: ChildProcess | undefined;
  restarts: number;
  since: number;
  startedAt: number;
  backoffMs: number;
  restartTimer: NodeJS.Timeout | undefined;
  restartAt: number | undefined;
  /** Set while the supervisor itself stops or kills the process: its exit is then no crash. */
  expectingExit: boolean;
  starting: Promise<void> | undefined;
}

export interface SupervisorOptions {
  say: (line: string) => void;
  /** A part killed on purpose starts again by itself after this many seconds; undefined: only start() does. */
  autoRestartSeconds?: number;
  /** Restart parts that exit unexpectedly (default true; the drills drive restarts themselves). */
  restartOnCrash?: boolean;
}

const FIRST_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 10_000;
const STABLE_AFTER_MS = 60_000;

export class Supervisor {
  private readonly parts = new Map<PartName, Part>();
  private closing = false;

  constructor(private readonly options: SupervisorOptions) {}

  add(spec: PartSpec): void {
    this.parts.set(spec.name, {
      spec,
      state: 'stopped',
      child: undefined,
      restarts: 0,
      since: Date.now(),
      startedAt: 0,
      backoffMs: FIRST_BACKOFF_MS,
      restartTimer: undefined,
      restartAt: undefined,
      expectingExit: false,
      starting: undefined,
    });
  }

  has(name: PartName): boolean {
    return this.parts.has(name);
  }

  child(name: PartName): ChildProcess | undefined {
    return this.parts.get(name)?.child;
  }

  /** Starts a part (first start, or after a kill). Rejects if it fails to become ready. */
  start(name: PartName): Promise<void> {
    const part = this.part(name);
    // A part whose start was waiting for another (the console for the database) must not start after stopAll().
    if (this.closing) return Promise.reject(new Error(`not starting the ${this.label(part)}: the demo is stopping`));
    if (part.state === 'running') return Promise.resolve();
    if (part.starting) return part.starting;
    this.cancelRestart(part);
    const first = part.startedAt === 0;
    if (!first) part.restarts += 1;
    this.enter(part, 'starting');
    part.starting = part.spec
      .start()
      .then((child) => {
        part.child = child;
        part.startedAt = Date.now();
        this.enter(part, 'running');
        child.once('exit', (code, signal) => this.exited(part, child, signal ?? `exit code ${code}`));
        if (!first) this.options.say(`The ${this.label(part)} is back (pid ${child.pid}).`);
      })
      .catch((err: unknown) => {
        // On the first start the caller reports the error; later, a failed start is one more crash.
        if (first || this.closing) throw err;
        this.options.say(`The ${this.label(part)} could not start again (${(err as Error).message.split('\n')[0]}).`);
        this.scheduleCrashRestart(part);
        throw err;
      })
      .finally(() => (part.starting = undefined));
    return part.starting;
  }

  /** SIGKILL on purpose (the console's "Kill the worker"): stays down until start() or the automatic restart. */
  async kill(name: PartName): Promise<void> {
    const part = this.part(name);
    const child = part.child;
    if (!child || part.state !== 'running') return;
    part.expectingExit = true;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    part.expectingExit = false;
    part.child = undefined;
    this.options.say(`The ${this.label(part)} was killed from the console (SIGKILL).`);
    this.enter(part, 'stopped');
    const auto = this.options.autoRestartSeconds;
    if (auto !== undefined && !this.closing) this.scheduleRestart(part, auto * 1000, 'automatic restart');
  }

  /** Stops a part gently, on purpose; it stays down until start(). */
  async stop(name: PartName): Promise<void> {
    const part = this.part(name);
    this.cancelRestart(part);
    await part.starting?.catch(() => undefined);
    const child = part.child;
    if (!child) return this.enter(part, 'stopped');
    part.expectingExit = true;
    await part.spec.stop(child);
    part.expectingExit = false;
    part.child = undefined;
    this.enter(part, 'stopped');
  }

  async restart(name: PartName): Promise<void> {
    await this.stop(name);
    await this.start(name);
  }

  /** Stops every part for good, in the given order (groups stop together). */
  async stopAll(order: PartName[][]): Promise<void> {
    this.closing = true;
    for (const part of this.parts.values()) this.cancelRestart(part);
    for (const group of order) await Promise.all(group.filter((name) => this.parts.has(name)).map((name) => this.stop(name)));
  }

  status(): SupervisorStatus {
    return {
      parts: [...this.parts.values()].map((part) => ({
        name: part.spec.name,
        label: this.label(part),
        state: part.state,
        pid: part.child?.pid ?? null,
        restarts: part.restarts,
        since: new Date(part.since).toISOString(),
        restartAt: part.restartAt ? new Date(part.restartAt).toISOString() : null,
      })),
      autoRestartSeconds: this.options.autoRestartSeconds ?? null,
    };
  }

  private exited(part: Part, child: ChildProcess, how: string): void {
    if (part.child !== child || part.expectingExit || this.closing) return;
    part.child = undefined;
    this.options.say(`The ${this.label(part)} stopped unexpectedly (${how}).`);
    if (this.options.restartOnCrash === false) return this.enter(part, 'stopped');
    // A part that ran for a while before crashing starts again quickly; one that keeps crashing, less often.
    if (Date.now() - part.startedAt > STABLE_AFTER_MS) part.backoffMs = FIRST_BACKOFF_MS;
    this.scheduleCrashRestart(part);
  }

  private scheduleCrashRestart(part: Part): void {
    const delay = Math.max(part.backoffMs, part.spec.minBackoffMs ?? 0);
    part.backoffMs = Math.min(part.backoffMs * 2, MAX_BACKOFF_MS);
    this.enter(part, 'crashed');
    this.scheduleRestart(part, delay, 'restarting it');
  }

  private scheduleRestart(part: Part, delayMs: number, what: string): void {
    this.cancelRestart(part);
    part.restartAt = Date.now() + delayMs;
    this.options.say(`The ${this.label(part)}: ${what} in ${(delayMs / 1000).toFixed(1)} s...`);
    part.restartTimer = setTimeout(() => {
      part.restartTimer = undefined;
      part.restartAt = undefined;
      if (!this.closing) this.start(part.spec.name).catch(() => undefined);
    }, delayMs);
  }

  private cancelRestart(part: Part): void {
    if (part.restartTimer) clearTimeout(part.restartTimer);
    part.restartTimer = undefined;
    part.restartAt = undefined;
  }

  private enter(part: Part, state: PartStatus['state']): void {
    if (part.state !== state) part.since = Date.now();
    part.state = state;
  }

  private part(name: PartName): Part {
    const part = this.parts.get(name);
    if (!part) throw new Error(`No part named ${name}`);
    return part;
  }

  private label(part: Part): string {
    return PART_LABELS[part.spec.name];
  }
}
