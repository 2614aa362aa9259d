/**
 * What every long-running entry point (workers, console) does the same way: tell a supervising launcher
 * when it is ready, stop cleanly on SIGINT/SIGTERM, and stop when the launcher that started it is gone,
 * so that a killed `npm start` leaves no orphan behind.
 */
export interface ReadyInfo {
  component: string;
  url?: string;
  /** The console's first presenter sign-in link, when sign-in is on (printed by the launcher, never logged). */
  signInUrl?: string;
}

/** Tells the launcher (if any: only children spawned with an IPC channel have one) that we serve. */
export function announceReady(info: ReadyInfo): void {
  process.send?.({ type: 'ready', ...info });
}

const LAUNCHER_GONE_DEADLINE_MS = 3_000;
/** Signals closer together than this are one press of Ctrl-C delivered twice. */
const SAME_PRESS_MS = 1_000;

/**
 * Runs `stop` once on SIGINT, SIGTERM or loss of the launcher, then exits. A second signal exits at once,
 * for the presenter who presses Ctrl-C twice
 * on a part run by hand. (Under `npm start` the parts run in process groups of their own, so the terminal's
 * Ctrl-C reaches only the launcher, and each part gets exactly one SIGTERM, in order.)
 */
export function onShutdown(stop: () => Promise<void>, log: (msg: string) => void = () => {}): void {
  let stoppingSince: number | undefined;
  const handler = (reason: string) => () => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C often arrives twice: from the terminal to the whole process group, and relayed by a wrapper
      // (npm, npx, tsx). Only a second press, a moment later, means "stop now".
      if (reason !== 'launcher gone' && Date.now() - stoppingSince > SAME_PRESS_MS) process.exit(130);
      return;
    }
    stoppingSince = Date.now();
    log(`stopping (${reason})`);
    // Nobody waits for a drain when the launcher was killed: a killed `npm start` must leave nothing running
    // within seconds, and the work in flight is Temporal's to retry.
    if (reason === 'launcher gone') setTimeout(() => process.exit(1), LAUNCHER_GONE_DEADLINE_MS).unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log(`error while stopping: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler('SIGINT'));
  process.on('SIGTERM', handler('SIGTERM'));
  if (process.send) process.on('disconnect', handler('launcher gone'));
}
