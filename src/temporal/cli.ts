/**
 * Finds the Temporal CLI, or builds it. Routes, in order: TEMPORAL_CLI_PATH; `temporal` on PATH; the
 * project's cache; the SDK's cached download (needs the internet); `go install` into the project's cache
 * (needs only the Go module proxy, which is what these machines reach). The version is pinned here only.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';

import path from 'node:path';

/** The one place the CLI version is pinned. Later releases carry a `replace` directive and cannot be go-installed. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
const GO_PACKAGE = 'github.com/temporalio/cli/cmd/temporal';

export class CliUnavailableError extends Error {
  override name = 'CliUnavailableError';
}

export interface CliOptions {
  /** Explicit path from TEMPORAL_CLI_PATH. */
  explicitPath?: string;
  /** Project root; the cache lives in <root>/.cache/temporal-cli/<version>/. */
  root: string;
  /** Progress lines for the person waiting. */
  say: (line: string) => void;
  /** Try the SDK's download before building (default true; tests of the other routes turn it off). */
  sdkDownload?: boolean;
  /** Where to look for `temporal` and `go` (default: the PATH of this process). */
  searchPath?: string;
}

export interface ResolvedCli {
  path: string;
  source: 'TEMPORAL_CLI_PATH' | 'PATH' | 'project cache' | 'SDK download' | 'go install';
}

export function projectCliPath(root: string): string {
  return path.join(root, '.cache', 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal');
}

/** Resolves the CLI without building anything; undefined when only a download or build would help. */
export function findCli(options: Omit<CliOptions, 'say' | 'sdkDownload'>): ResolvedCli | undefined {
  if (options.explicitPath) {
    if (!isExecutable(options.explicitPath)) {
      throw new CliUnavailableError(
        `TEMPORAL_CLI_PATH is set to ${options.explicitPath}, but no executable is there. ` +
          'Fix the path, or unset TEMPORAL_CLI_PATH to let the project find or build the Temporal CLI itself.',
      );
    }
    return { path: options.explicitPath, source: 'TEMPORAL_CLI_PATH' };
  }
  const onPath = whichTemporal(options.searchPath ?? process.env.PATH ?? '');
  if (onPath) return { path: onPath, source: 'PATH' };
  const cached = projectCliPath(options.root);
  if (isExecutable(cached)) return { path: cached, source: 'project cache' };
  return undefined;
}

export async function ensureCli(options: CliOptions): Promise<ResolvedCli> {
  const found = findCli(options);
  if (found) return found;
  const downloaded = options.sdkDownload === false ? undefined : await trySdkDownload(options);
  if (downloaded) return downloaded;
  return goInstall(options);
}

function whichTemporal(searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    const candidate = path.join(dir, 'temporal');
    if (dir && isExecutable(candidate) && spawnSync(candidate, ['--version'], { timeout: 10_000 }).status === 0) {
      return candidate;
    }
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The SDK downloads the CLI into a directory of our choosing when it starts an ephemeral server.
 * Offline this fails within seconds; we then fall through to `go install`.
 */
async function trySdkDownload(options: CliOptions): Promise<ResolvedCli | undefined> {
  const dir = path.join(options.root, '.cache', 'sdk-download');
  const existing = findDownloaded(dir);
  if (existing) return { path: existing, source: 'SDK download' };
  options.say('Temporal CLI not found; trying the SDK download (needs the internet)...');
  try {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await withTimeout(
      TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'cached-download', downloadDir: dir } } }),
      60_000,
    );
    await env.teardown();
  } catch {
    options.say('The SDK download is not reachable from this machine; building the CLI with Go instead.');
    return undefined;
  }
  const file = findDownloaded(dir);
  return file ? { path: file, source: 'SDK download' } : undefined;
}

function findDownloaded(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const file = readdirSync(dir)
    .map((name) => path.join(dir, name))
    .find((candidate) => path.basename(candidate).startsWith('temporal') && isExecutable(candidate));
  return file;
}

async function goInstall(options: CliOptions): Promise<ResolvedCli> {
  const env = { ...process.env, PATH: options.searchPath ?? process.env.PATH };
  if (spawnSync('go', ['version'], { timeout: 10_000, env }).status !== 0) {
    throw new CliUnavailableError(
      'No Temporal CLI was found and Go is not installed, so it cannot be built here. Do one of: install the ' +
        `Temporal CLI (https://docs.temporal.io/cli) and put \`temporal\` on your PATH; set TEMPORAL_CLI_PATH to an ` +
        `existing binary; install Go 1.22 or newer (e.g. \`apt-get install golang\`) so that \`npm start\` can run ` +
        `\`go install ${GO_PACKAGE}@v${TEMPORAL_CLI_VERSION}\` itself; or point the console at a running server with TEMPORAL_ADDRESS.`,
    );
  }
  const target = projectCliPath(options.root);
  const buildDir = path.join(path.dirname(target), 'build');
  rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(buildDir, { recursive: true });
  options.say(
    `Building the Temporal CLI v${TEMPORAL_CLI_VERSION} with \`go install\` (first run only: a few minutes; cached in ${path.relative(options.root, target)}).`,
  );
  await runWithProgress('go', ['install', '-v', `${GO_PACKAGE}@v${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: buildDir, GOFLAGS: '-mod=mod' },
    say: options.say,
  });
  renameSync(path.join(buildDir, 'temporal'), target);
  rmSync(buildDir, { recursive: true, force: true });
  options.say(`Temporal CLI ready: ${path.relative(options.root, target)}`);
  return { path: target, source: 'go install' };
}

/** go -v prints one line per package as it is downloaded or compiled: we turn that into a progress line. */
function runWithProgress(cmd: string, args: string[], opts: { env: NodeJS.ProcessEnv; say: (line: string) => void }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const started = Date.now();
    let downloaded = 0;
    let built = 0;
    const tail: string[] = [];
    const onLine = (line: string): void => {
      if (line.startsWith('go: downloading')) downloaded++;
      else if (line.trim()) built++;
      tail.push(line);
      if (tail.length > 15) tail.shift();
    };
    let buffer = '';
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      lines.forEach(onLine);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setInterval(() => {
      const secs = Math.round((Date.now() - started) / 1000);
      opts.say(`  ...building Temporal CLI: ${downloaded} modules downloaded, ${built} packages compiled, ${secs}s elapsed`);
    }, 10_000);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(new CliUnavailableError(`Could not run ${cmd}: ${err.message}`));
    });
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code === 0) resolve();
      else
        reject(
          new CliUnavailableError(
            `\`${cmd} ${args.join(' ')}\` failed (exit ${code}). Is the Go module proxy reachable (GOPROXY=${process.env.GOPROXY ?? 'default'})? ` +
              `Last output:\n${tail.join('\n')}`,
          ),
        );
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

