/**
 * The RecoverableFailure fix, from the console, through the worker's control channel (optional):
 *   POST /worker/deploy-fix   deploy the fixed worker code; a second click answers "already deployed"
 *   POST /worker/restore-bug  put the bug back for the next rehearsal; idempotent too
 * Form posts only, so the CSRF origin check always applies. htmx gets the result line (as 200: htmx swaps
 * 2xx answers only); a browser without JavaScript gets a page with the real status: 200 done or already
 * so, 501 no control channel here, 502 the worker failed or could not be reached, 504 it did not answer.
 *
 * What the worker last said about the fix is kept for a moment (FixStatus), so the order page knows,
 * without waiting on the worker, never to offer Deploy fix again once the fix runs.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from '../../logger.js';
import { ControlApiError } from '../../temporal/worker-control-client.js';
import type { RouteContext, WorkerControl } from '../deps.js';
import { retryWait } from '../orders/view.js';
import { formOnly } from '../middleware/security.js';
import { isHtmx, renderPage } from '../respond.js';
import { field, orderIdProblem } from '../validate.js';

/** Our worker, restarted by hand with the fix: the whole demo keeps its state, so stuck orders replay. */
export const FIX_COMMAND = 'ORDER_DEMO_FIX_DEPLOYED=true npm start';

/** An answer younger than this is used as is; an older one is refreshed in the background. */
const FRESH_MS = 2000;
/** An answer this old, with the worker silent since, is no longer trusted. */
const FORGET_MS = 15_000;

/**
 * What the worker last said about the fix. peek() never waits: pages render at once and the answer is
 * refreshed behind them. One question to the worker at a time, however many pages render.
 */
export class FixStatus {
  #known: { deployed: boolean; at: number } | undefined;
  #asking: Promise<boolean | undefined> | undefined;
  /** Bumped by every set(): an answer to an older question must not undo a newer deploy or restore. */
  #generation = 0;
  #changing: { want: boolean; done: Promise<Outcome> } | undefined;

  constructor(
    readonly control: WorkerControl,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether the worker runs the fixed code, as last heard (undefined: not known). */
  peek(): boolean | undefined {
    const known = this.#known;
    const age = known ? this.now() - known.at : Infinity;
    if (age > FRESH_MS) void this.ask();
    return known && age <= FORGET_MS ? known.deployed : undefined;
  }

  /** Asks the worker now (sharing a question already on its way). */
  ask(): Promise<boolean | undefined> {
    const generation = this.#generation;
    this.#asking ??= this.control
      .status()
      .then(
        ({ fixDeployed }) => {
          if (generation === this.#generation) this.set(fixDeployed);
          return this.#known?.deployed;
        },
        (err: unknown) => {
          this.logger.debug('Worker status unavailable', { error: err as Error });
          return undefined;
        },
      )
      .finally(() => (this.#asking = undefined));
    return this.#asking;
  }

  set(deployed: boolean): void {
    this.#generation += 1;
    this.#known = { deployed, at: this.now() };
  }

  /** Deploys (want: true) or restores the bug, once: a click while the same change runs shares it. */
  async change(want: boolean): Promise<Outcome> {
    const running = this.#changing;
    if (running?.want === want) {
      const shared = await running.done;
      return shared.kind === 'failed' ? shared : { kind: 'already' };
    }
    if (running) await running.done.catch(() => undefined);
    const done = this.#change(want);
    this.#changing = { want, done };
    try {
      return await done;
    } finally {
      if (this.#changing?.done === done) this.#changing = undefined;
    }
  }

  async #change(want: boolean): Promise<Outcome> {
    if ((await this.ask()) === want) return { kind: 'already' };
    try {
      const answer = want ? await this.control.deployFix() : await this.control.restoreBug();
      this.set(answer ? answer.fixDeployed : want);
      return { kind: answer?.changed === false ? 'already' : 'done' };
    } catch (err) {
      this.#known = undefined;
      return { kind: 'failed', reason: sentence(err instanceof Error ? err.message : String(err)), timedOut: isTimeout(err) };
    }
  }
}

type Outcome = { kind: 'done' | 'already' } | { kind: 'failed'; reason: string; timedOut: boolean };

const statuses = new WeakMap<WorkerControl, FixStatus>();

/** The console's FixStatus for its control channel; undefined without one. */
export function fixStatusOf(ctx: Pick<RouteContext, 'workerControl' | 'logger'>): FixStatus | undefined {
  const control = ctx.workerControl;
  if (!control) return undefined;
  let status = statuses.get(control);
  if (!status) {
    status = new FixStatus(control, ctx.logger);
    statuses.set(control, status);
  }
  return status;
}

export function workerRoutes(ctx: RouteContext): Hono {
  // Known before the first order page renders, so a fix deployed earlier is not offered again.
  void fixStatusOf(ctx)?.ask();
  const action = (want: boolean) =>
    async (c: Context) => {
      const orderId = field(await c.req.parseBody(), 'orderId');
      const order = orderIdProblem(orderId) ? undefined : orderId;
      const status = fixStatusOf(ctx);
      const outcome: Outcome | undefined = status ? await status.change(want) : undefined;
      if (outcome?.kind === 'failed') ctx.logger.warn(want ? 'Deploying the fix failed' : 'Restoring the bug failed', { error: outcome.reason });
      else if (outcome) ctx.logger.info(want ? 'Fix deployed from the console' : 'Bug restored from the console', { orderId: order, already: outcome.kind === 'already' });
      const result = { ok: outcome !== undefined && outcome.kind !== 'failed', message: await messageOf(ctx, want, outcome, order) };
      if (isHtmx(c)) return c.html(ctx.views.partial('deploy-fix-result', result));
      const title = want ? 'Deploy the fix' : 'Restore the bug';
      return renderPage(ctx, c, 'deploy-fix', { title, ...result, back: order ? `/orders/${order}` : undefined }, statusOf(outcome));
    };
  return new Hono().post('/worker/deploy-fix', formOnly, action(true)).post('/worker/restore-bug', formOnly, action(false));
}

function statusOf(outcome: Outcome | undefined): ContentfulStatusCode {
  if (!outcome) return 501;
  if (outcome.kind === 'failed') return outcome.timedOut ? 504 : 502;
  return 200;
}

async function messageOf(ctx: RouteContext, want: boolean, outcome: Outcome | undefined, orderId: string | undefined): Promise<string> {
  if (!want) {
    if (!outcome) return 'The console has no control channel to the worker here. To put the bug back, restart the worker without ORDER_DEMO_FIX_DEPLOYED.';
    if (outcome.kind === 'failed') return `Restoring the bug failed: ${outcome.reason} Try again, or restart the worker without ORDER_DEMO_FIX_DEPLOYED.`;
    const next = 'The next RecoverableFailure order gets stuck after the charge again.';
    return outcome.kind === 'already' ? `The bug is already back: the worker runs the original code. ${next}` : `Bug restored: the worker runs the original code again. ${next}`;
  }
  if (!outcome) return `The console has no control channel to the worker here, so it cannot deploy the fix. Deploy the fixed worker code yourself: for this demo's worker, restart it with the fix (${FIX_COMMAND}).`;
  if (outcome.kind === 'failed') return `Deploying the fix failed: ${outcome.reason} Try again, or restart the worker with the fix (${FIX_COMMAND}).`;
  const head = outcome.kind === 'already' ? 'The fix is already deployed' : 'Fix deployed';
  return `${head}: ${await waitingLine(ctx, orderId)}`;
}

/** "waiting for the next retry, in about N s", when the order is still stuck; what happens next otherwise. */
async function waitingLine(ctx: RouteContext, orderId: string | undefined): Promise<string> {
  const replay = 'the workflow replays its history on the fixed code and carries on.';
  if (!orderId) return `stuck orders resume at their next retry: ${replay}`;
  try {
    const message = await ctx.hub.current(orderId);
    const stuck = message.kind === 'view' ? message.view.stuck : undefined;
    if (!stuck) return 'the worker runs the fixed code.';
    return `waiting for the next retry, ${retryWait(stuck, Date.now())}; then ${replay}`;
  } catch {
    return `the order resumes at its next retry: ${replay}`;
  }
}

/** The control client's messages say what failed, without a stack or a secret; end them as a sentence. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function isTimeout(err: unknown): boolean {
  return err instanceof ControlApiError && err.status === undefined && /no answer within/.test(err.message);
}
