/**
 * Where each worker's workflow code comes from. The orders worker has two deployable variants: the code
 * as first shipped and the one with the RecoverableFailure fix. Bundling takes seconds, so callers that
 * start many workers (tests) pass prebuilt bundles.
 */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import type { Logger as SdkLogger } from '@temporalio/common';
import type { Logger } from '../logger.js';
import { sdkLogger } from './runtime.js';

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

export function bundleFromSource(logger: Logger): BundleProvider {
  return (entry) => bundleWorkflowCode({ workflowsPath: workflowsPath(entry), logger: quiet(sdkLogger(logger)) });
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
