/**
 * GET /preflight — is the demo ready to run? Each check green or red, with the command that fixes it.
 * About ten Temporal and control-channel calls per run: one run in flight at a time, its answer shared for
 * a moment, so a room refreshing the page costs what one presenter does.
 */
import { Hono } from 'hono';
import type { RouteContext } from '../deps.js';
import { runPreflight } from '../preflight.js';
import { renderPage } from '../respond.js';
import { sharedRead } from '../shared-read.js';

/** One run of the checks serves every request for this long: short enough that a fix shows on the next reload. */
const SHARED_READ_MS = 2000;

export function preflightRoutes(ctx: RouteContext): Hono {
  const checks = sharedRead(() => runPreflight(ctx.client, ctx.config, ctx.apiKeys.workerStatus, ctx.deployment), SHARED_READ_MS);
  return new Hono().get('/preflight', async (c) => {
    const results = await checks.get();
    const ready = results.every((check) => check.status === 'ok');
    return renderPage(ctx, c, 'preflight', { title: 'Preflight', nav: 'preflight', checks: results, ready });
  });
}
