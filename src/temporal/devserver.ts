/**
 * Starts `temporal server start-dev` as a child process and waits until it answers gRPC.
 * Used by `npm start` (persistent state, fixed ports), the test harness, the benchmarks and the drills
 * (temporary state, free ports).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { alive, commandLine } from '../process/procs.js';


/** Server errors that are part of a normal demo, not news for the presenter. */
const HARMLESS = /context canceled|Worker Deployment not found/;
export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

export class DevServerError extends Error {
  override name = 'DevServerError';
}

export interface DevServerOptions {
  cliPath: string;
  /** gRPC port; 0 picks a free one. */
  port: number;
  /** Web UI port; 0 picks a free one; undefined runs headless. */
  uiPort?: number;
  /** SQLite file for state that survives restarts; undefined keeps everything in memory. */
  dbFile?: string;
  namespaces: string[];
  searchAttributes: Record<string, string>;
  /** Lines from the server that look like errors, for the person watching. */
  onLog?: (line: string) => void;
}

export interface DevServer {
  address: string;
  port: number;
  uiPort: number | undefined;
  uiUrl: string | undefined;
  child: ChildProcess;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const port = await claimPort(options.port, 'Temporal dev server', 'TEMPORAL_DEV_PORT');
  const uiPort = options.uiPort === undefined ? undefined : await claimPort(options.uiPort, 'Temporal Web UI', 'TEMPORAL_DEV_UI_PORT');
  const args = [
    'server',
    'start-dev',
    '--ip',
    HOST,
    '--port',
    String(port),
    '--log-level',
    'warn',
    // Visibility reads right after a write: the console's recent-orders list and the tests need it.
    '--dynamic-config-value',
    'system.forceSearchAttributesCacheRefreshOnRead=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    // Fire timers on time rather than up to a second late: the audience watches 1 s steps and retry backoff.
    '--dynamic-config-value',
    'history.timerProcessorMaxTimeShift="10ms"',
    // A workflow task that keeps failing (RecoverableFailure) is retried every workflow task timeout, however
    // long it has been stuck: by default the server adds 5 s, 10 s, 20 s... up to 10 min to each attempt
    // after the third, so a fix deployed 3 minutes in took up to 2 minutes to show. A cap under 5 s turns
    // that slowdown off (measured: each attempt then lasts exactly the task timeout).
    '--dynamic-config-value',
    'history.workflowTaskRetryMaxInterval="1s"',
    // An activity scheduled by a workflow task goes back to the worker with that task's answer when the worker
    // has a free slot, instead of through the server's matching and an activity poll: less work for the
    // server (two shared cores) and one round trip less per activity.
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    ...options.namespaces.flatMap((ns) => ['--namespace', ns]),
    ...Object.entries(options.searchAttributes).flatMap(([key, type]) => ['--search-attribute', `${key}=${type}`]),
  ];
  if (uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(uiPort), '--ui-ip', HOST);
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }

  // Its own process group, so that the terminal's Ctrl-C reaches only the launcher, which stops the parts in
  // order (the workers drain against a server that is still up). Tied to the launcher's life: a launcher
  // killed with SIGKILL takes the server with it (the kernel's parent-death signal, set by setpriv).
  const [command, commandArgs] = withParentDeathSignal(options.cliPath, args);
  const child = spawn(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pidFile = options.dbFile ? pidFileOf(options.dbFile) : undefined;
  if (pidFile && child.pid) writeFileSync(pidFile, `${child.pid}\n`);
  child.once('exit', () => {
    if (pidFile && readPid(pidFile) === child.pid) rmSync(pidFile, { force: true });
  });
  const tail: string[] = [];
  let stopping = false;
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 20) tail.shift();
      // Only real errors reach the presenter; the server's own shutdown chatter (dial warnings) does not.
      // A client that went away mid-poll (a worker killed on purpose) is logged as an error by the server:
      // noise for the presenter, who just watched it happen. So is the orders worker asking, on a fresh
      // state, about its Worker Deployment before its first poll creates it.
      if (!stopping && /level=(ERROR|FATAL)|panic:/.test(line) && !HARMLESS.test(line)) options.onLog?.(line);
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const address = `${HOST}:${port}`;
  const server: DevServer = {
    address,
    port,
    uiPort,
    uiUrl: uiPort === undefined ? undefined : `http://localhost:${uiPort}`,
    child,
    stop: () => {
      stopping = true;
      return stopChild(child);
    },
  };
  try {
    await waitUntilServing(address, child, tail);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

async function waitUntilServing(address: string, child: ChildProcess, tail: string[]): Promise<void> {
  // Loaded here, while the server boots, rather than with this module: the launcher starts faster.
  const { Connection } = await import('@temporalio/client');
  let exited = false;
  child.once('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) {
      throw new DevServerError(`The Temporal dev server exited during start-up. Its last output:\n${tail.join('\n')}`);
    }
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch {
      // Often: each tenth of a second of start-up shows in `npm start`'s time to ready.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new DevServerError(`The Temporal dev server did not answer on ${address} within 60 s. Its last output:\n${tail.join('\n')}`);
}

export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

const SETPRIV = '/usr/bin/setpriv';

function withParentDeathSignal(command: string, args: string[]): [string, string[]] {
  if (process.platform !== 'linux' || !existsSync(SETPRIV)) return [command, args];
  return [SETPRIV, ['--pdeathsig', 'TERM', '--', command, ...args]];
}

/** The dev server of a state file writes its pid next to it, so that a later launcher can find a leftover. */
function pidFileOf(dbFile: string): string {
  return `${dbFile}.pid`;
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops a dev server of this state file left running by a launcher that could not stop it (SIGKILL on a
 * system without setpriv, or a killed process group). Returns its pid when there was one.
 */
export async function stopLeftoverDevServer(dbFile: string): Promise<number | undefined> {
  const pidFile = pidFileOf(dbFile);
  const pid = readPid(pidFile);
  if (!pid) return undefined;
  if (!alive(pid) || !commandLine(pid).includes(dbFile)) {
    rmSync(pidFile, { force: true });
    return undefined;
  }
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; alive(pid) && waited < 10_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (let waited = 0; alive(pid) && waited < 5_000; waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
  rmSync(pidFile, { force: true });
  return pid;
}

/** Returns the port to use: the requested one if it is free (clear error if not), or a free one for 0. */
export async function claimPort(requested: number, what: string, envName: string): Promise<number> {
  try {
    return await probePort(requested);
  } catch {
    throw new PortInUseError(
      `Port ${requested} (${what}) is already in use on this machine. Another Temporal server or an earlier ` +
        `\`npm start\` may still be running: stop it, or choose another port with ${envName}=<port>, or, to use a ` +
        `server that is already running, set TEMPORAL_ADDRESS=localhost:${requested}.`,
    );
  }
}

export function probePort(port: number, host = HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      const chosen = typeof address === 'object' && address ? address.port : port;
      server.close(() => resolve(chosen));
    });
  });
}
