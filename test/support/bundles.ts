/**
 * Prebuilt workflow bundles shared by every test file of a run (and the next run, while the sources are
 * unchanged): the same on-disk cache as the workers' (src/worker/bundles.ts), keyed by the workflow code's
 * version, so any edit (e.g. swapping two steps for the replay check) rebuilds.
 */
import { createLogger } from '../../src/logger.js';
import { bundleFromSource, memoizeBundles, type BundleProvider } from '../../src/worker/bundles.js';

/** Bundle provider for createOrdersWorker / createShippingWorker and replay tests. */
export const testBundles: BundleProvider = memoizeBundles(bundleFromSource(createLogger({ name: 'test-bundles', level: 'error' })));
