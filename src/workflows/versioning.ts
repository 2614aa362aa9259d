/**
 * Worker Versioning behaviour of the order workflows. Every order workflow is PINNED (the versioned worker's
 * default): it finishes on the code it started on, so a new version never replays a half-run order on
 * changed code. RecoverableFailure must be able to leave the buggy version: AUTO_UPGRADE moves a stuck order
 * to the deployment's current version at its next workflow task, which is what Deploy fix relies on; both of
 * its codes (bug and fix) use it, so Restore the bug moves new orders back too.
 */
import type { VersioningBehavior } from '@temporalio/common';
import { workflowInfo } from '@temporalio/workflow';

/**
 * AUTO_UPGRADE on a versioned worker only: an unversioned one (ORDER_DEMO_VERSIONING=false, or a server
 * without Worker Deployments) cannot complete a task that names a versioning behaviour (it times out).
 */
export function autoUpgradeWhenVersioned(): { versioningBehavior?: VersioningBehavior } {
  return workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior: 'AUTO_UPGRADE' } : {};
}
