/**
 * What the console knows about the RecoverableFailure fix: what our worker said last (through its control
 * channel), kept for a moment so that pages render at once and never offer Deploy fix once the fix runs,
 * and the deploy and restore actions, each done once however many clicks arrive.
 */
import type { Logger } from '../../logger.js';
import { ControlApiError } from '../../temporal/worker-control-client.js';
import type { RouteContext, WorkerControl } from '../deps.js';

/** Our worker, restarted by hand with the fix: the whole demo keeps its state, so stuck orders replay. */
export const FIX_COMMAND = 'ORDER_DEMO_FIX_DEPLOYED=true npm start';

/** An answer younger than this is used as is; an older one is refreshed in the background. */
const FRESH_MS = 2000;

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

  /**
   * Whether the worker runs the fixed code, as last heard (undefined: never heard, or a deploy failed).
   * A worker that stops answering (restarting, say) keeps its last answer: a fix it reported is not
   * offered again until it says otherwise.
   */
  peek(): boolean | undefined {
    const known = this.#known;
    if (!known || this.now() - known.at > FRESH_MS) void this.ask();
    return known?.deployed;
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

export type Outcome = { kind: 'done' | 'already' } | { kind: 'failed'; reason: string; timedOut: boolean };

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

/** The control client's messages say what failed, without a stack or a secret; end them as a sentence. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function isTimeout(err: unknown): boolean {
  return err instanceof ControlApiError && err.status === undefined && /no answer within/.test(err.message);
}
