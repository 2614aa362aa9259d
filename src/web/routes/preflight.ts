/** GET /preflight — is the demo ready to run? Each check green or red, with the command that fixes it. */
import { Hono } from 'hono';
import type { RouteContext } from '../deps.js';
import { runPreflight } from '../preflight.js';
import { renderPage } from '../respond.js';

export function preflightRoutes(ctx: RouteContext): Hono {
  return new Hono().get('/preflight', async (c) => {
    const checks = await runPreflight(ctx.client, ctx.config, ctx.apiKeys.workerStatus, ctx.deployment);
    const ready = checks.every((check) => check.status === 'ok');
    return renderPage(ctx, c, 'preflight', { title: 'Preflight', nav: 'preflight', checks, ready });
  });
}
