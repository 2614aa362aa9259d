/**
 * Where each worker's workflow code comes from. The orders worker has two deployable variants: the code
 * as first shipped and the one with the RecoverableFailure fix. Bundling takes seconds (and loads webpack
 * into the process), so bundles are cached on disk, one file per entry and code version: a worker started
 * or restarted on unchanged code loads its bundle in milliseconds. `npm start` builds them before it starts
 * the workers (prebuildBundles), so even the first start of a new version bundles once, not once per worker.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkflowBundle } from '@temporalio/worker';
import type { Logger as SdkLogger } from '@temporalio/common';
import type { Logger } from '../logger.js';

export type WorkflowEntry = 'orders' | 'orders-fixed' | 'shipping';

const ENTRY_FILES: Record<WorkflowEntry, string> = {
  orders: '../workflows/index.ts',
  'orders-fixed': '../workflows/index-fixed.ts',
  shipping: '../workflows/shipping.ts',
};

export function workflowsPath(entry: WorkflowEntry): string {
  return fileURLToPath(new URL(ENTRY_FILES[entry], import.meta.url));
}

export function ordersEntry(fixed: boolean): WorkflowEntry {
  return fixed ? 'orders-fixed' : 'orders';
}

/** Provides the bundle of one entry; the default bundles from source each time it is asked. */
export type BundleProvider = (entry: WorkflowEntry) => Promise<WorkflowBundle>;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Where bundles are kept (git-ignored, like the CLI). */
export const BUNDLE_CACHE_DIR = path.join(ROOT, '.cache', 'workflow-bundles');
/**
 * What a bundle is made of: the workflow sources and the modules they import (the contract, metric and
 * Nexus names), plus the lockfile; and the versions of the packages actually installed that go into it or
 * build it (the SDK's workflow runtime, the worker that loads it, webpack): node_modules may not match the
 * lockfile (an install in progress, a node_modules shared between checkouts). Activities are imported for
 * types only, but a change there costs just one rebuild, so they count too.
 */
export const SOURCE_DIRS = ['src/workflows', 'src/activities', 'src/fulfilment'];
export const SOURCE_FILES = [
  'src/cart/api.ts', 'src/cart/workflows.ts', 'src/idempotence/api.ts', 'src/idempotence/workflows.ts', 'src/warehouse/catalog.ts', 'src/warehouse/workflows.ts',
  'src/temporal/contract.ts', 'src/metrics/names.ts', 'src/nexus/api.ts', 'package-lock.json',
];
const BUNDLED_PACKAGES = ['@temporalio/workflow', '@temporalio/worker', '@temporalio/common', 'webpack'];

/** "name@version" of each package that shapes a bundle, as installed (resolved from the project). */
export function installedVersions(root = ROOT): string[] {
  const require = createRequire(path.join(root, 'package.json'));
  return BUNDLED_PACKAGES.map((name) => {
    try {
      return `${name}@${(JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version}`;
    } catch {
      return `${name}@(missing)`;
    }
  });
}

/**
 * The bundles' source maps: line-only, without the sources' text. A failure's stack trace still names the
 * TypeScript file and line (all the console's "what threw, where" reads), and the bundle is 0.66 MB instead
 * of 1.76 MB: each Worker keeps a parsed copy of its map (about 14 MB less each, and the SDK looks every frame
 * of every workflow promise up in it) and compiles the bundle twice at creation (half the time).
 */
const DEVTOOL = 'inline-nosources-cheap-module-source-map';

/** A digest of everything that goes into the bundles: a new value means new workflow code. */
export function workflowCodeVersion(root = ROOT, packages: string[] = installedVersions(root)): string {
  const hash = createHash('sha256');
  hash.update(DEVTOOL).update('\0').update(packages.join('\n')).update('\0');
  const files = [
    ...SOURCE_DIRS.flatMap((dir) =>
      // A checkout without one of the folders (a test's copy) simply has none of its files.
      (existsSync(path.join(root, dir)) ? readdirSync(path.join(root, dir)) : [])
        .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
        .map((name) => `${dir}/${name}`),
    ),
    ...SOURCE_FILES,
  ].sort();
  for (const file of files) {
    hash.update(file).update('\0');
    try {
      hash.update(readFileSync(path.join(root, file)));
    } catch {
      hash.update('(missing)');
    }
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function bundleFile(cacheDir: string, entry: WorkflowEntry, version: string): string {
  return path.join(cacheDir, `${entry}-${version}.js`);
}

/** Bundles from source when no bundle of this code version is cached, and caches what it built. */
export function bundleFromSource(logger: Logger, cacheDir = BUNDLE_CACHE_DIR): BundleProvider {
  const version = workflowCodeVersion();
  return async (entry) => {
    const file = bundleFile(cacheDir, entry, version);
    try {
      return { code: readFileSync(file, 'utf8') };
    } catch {
      // Not built yet for this version: build it below.
    }
    // Loaded only now: webpack's compiler stays out of a process that finds its bundles cached.
    const [{ bundleWorkflowCode }, { sdkLogger }] = await Promise.all([import('@temporalio/worker'), import('./runtime.js')]);
    const bundle = await bundleWorkflowCode({
      workflowsPath: workflowsPath(entry),
      logger: quiet(sdkLogger(logger)),
      webpackConfigHook: (webpackConfig) => ({ ...webpackConfig, devtool: DEVTOOL }),
    });
    saveBundle(cacheDir, entry, version, bundle.code, logger);
    return bundle;
  };
}

/** Builds every entry's bundle into the cache unless it is there (npm start, before the workers start). */
export async function prebuildBundles(logger: Logger, cacheDir = BUNDLE_CACHE_DIR): Promise<void> {
  const provider = bundleFromSource(logger, cacheDir);
  await Promise.all((Object.keys(ENTRY_FILES) as WorkflowEntry[]).map((entry) => provider(entry)));
}

function saveBundle(cacheDir: string, entry: WorkflowEntry, version: string, code: string, logger: Logger): void {
  try {
    mkdirSync(cacheDir, { recursive: true });
    // Written aside and renamed: a worker starting meanwhile reads a whole bundle or none.
    const file = bundleFile(cacheDir, entry, version);
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, file);
    // Older versions of this entry are of no use any more.
    for (const name of readdirSync(cacheDir)) {
      // (exactly `<entry>-<16 hex>.js`: "orders-" is also the start of "orders-fixed-...").
      if (new RegExp(`^${entry}-[0-9a-f]{16}\\.js$`).test(name) && name !== path.basename(file)) rmSync(path.join(cacheDir, name), { force: true });
    }
  } catch (err) {
    logger.warn('Could not cache the workflow bundle; the next start bundles again', { entry, error: err as Error });
  }
}

/**
 * Each entry bundled once per process: a redeploy back and forth reuses the bundles, and a bundle asked for
 * while it is being built waits for that build. A failed build is forgotten, so the next ask tries again.
 */
export function memoizeBundles(provider: BundleProvider): BundleProvider {
  const built = new Map<WorkflowEntry, Promise<WorkflowBundle>>();
  return (entry) => {
    let bundle = built.get(entry);
    if (!bundle) {
      bundle = provider(entry);
      built.set(entry, bundle);
      bundle.catch(() => built.delete(entry));
    }
    return bundle;
  };
}

/** Webpack's build report is a screenful at INFO; keep it for debug logs. */
function quiet(logger: SdkLogger): SdkLogger {
  return { ...logger, info: (message, meta) => logger.debug(message, meta) };
}
