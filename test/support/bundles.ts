/**
 * Prebuilt workflow bundles shared by every test file of a run (and the next run, while the sources are
 * unchanged): bundling takes seconds per entry and 2 cores are shared. Keyed by a hash of the workflow
 * sources and the SDK version, so any edit (e.g. swapping two steps for the replay check) rebuilds.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { workflowsPath, type BundleProvider, type WorkflowEntry } from '../../src/worker/bundles.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CACHE_DIR = path.join(ROOT, '.cache', 'test-bundles');
const SOURCES = ['src/workflows', 'src/temporal/contract.ts', 'src/nexus/api.ts', 'src/metrics/names.ts', 'node_modules/@temporalio/workflow/package.json'];

function sourcesHash(): string {
  const hash = createHash('sha256');
  const visit = (file: string): void => {
    const full = path.join(ROOT, file);
    if (full.endsWith('.ts') || full.endsWith('.json')) hash.update(file).update(readFileSync(full));
    else for (const name of readdirSync(full).sort()) visit(path.join(file, name));
  };
  SOURCES.forEach(visit);
  return hash.digest('hex').slice(0, 16);
}

const memo = new Map<WorkflowEntry, Promise<WorkflowBundle>>();

/** Bundle provider for createOrdersWorker / createShippingWorker and replay tests. */
export const testBundles: BundleProvider = (entry) => {
  let bundle = memo.get(entry);
  if (!bundle) {
    bundle = load(entry);
    memo.set(entry, bundle);
  }
  return bundle;
};

async function load(entry: WorkflowEntry): Promise<WorkflowBundle> {
  const file = path.join(CACHE_DIR, `${entry}-${sourcesHash()}.js`);
  if (existsSync(file)) return { code: readFileSync(file, 'utf8') };
  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsPath(entry), logger: silent });
  mkdirSync(CACHE_DIR, { recursive: true });
  // Write then rename: parallel test files may build the same bundle; each rename is atomic.
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, file);
  return { code };
}

const noop = (): void => undefined;
const silent = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error };
