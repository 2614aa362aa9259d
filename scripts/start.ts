/** `npm start`: the whole demo on this machine, stopped cleanly by Ctrl-C. */
import { createInterface } from 'node:readline';
import { ConfigError, loadConfig } from '../src/config.js';
import { DatabaseError } from '../src/db/errors.js';
import { createAccess } from '../src/web/room/access.js';
import { SIGN_IN_TTL_MS } from '../src/web/room/sessions.js';
import { CliUnavailableError } from '../src/temporal/cli.js';
import { DevServerError, PortInUseError } from '../src/temporal/devserver.js';
import { StackError, startStack, type Stack } from './lib/stack.js';

const say = (line: string): void => console.log(`[start] ${line}`);
const EXPECTED = [ConfigError, CliUnavailableError, DevServerError, PortInUseError, StackError, DatabaseError];

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  let stack: Stack | undefined;
  let stopping = false;
  const stop = async (why: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    say(`${why}: stopping the console, the workers and the Temporal server...`);
    await stack?.stop();
    say('Stopped. Nothing is left running.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('terminal closed'));

  // Supervised: a part that exits unexpectedly is restarted with the same environment and secrets.
  // A sign-in link goes to this terminal only (never to a log): it works once, for a short while.
  const printLink = (url: string) => console.log(`\n  Presenter sign-in   ${url}\n  (works once, within ${SIGN_IN_TTL_MS / 60_000} min; press Enter for a new link)\n`);
  stack = await startStack({ config, say, persistent: true, supervise: true, onPresenterLink: printLink });
  if (stopping) return;
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const audienceUrl = createAccess(config.web).audienceUrl;
  const link = stack.presenterLink;
  console.log(
    [
      '',
      `  Order demo console  ${stack.consoleUrl}`,
      ...(audienceUrl ? [`  Audience view       ${audienceUrl}  (read-only; its QR code is on the console's "Share with the room" page)`] : []),
      ...(link ? [`  Presenter sign-in   ${link}`, `                      (works once, within ${SIGN_IN_TTL_MS / 60_000} min; press Enter for a new link)`] : []),
      `  Temporal Web UI     ${stack.uiUrl ?? '(your server\'s UI; set TEMPORAL_UI_URL to link it from the console)'}`,
      `  Temporal server     ${stack.address}${stack.devServer ? ` (dev server, state in ${config.devServer.stateDir}/)` : ''}`,
      '',
      `  Ready in ${secs} s. Press Ctrl-C to stop everything.`,
      '',
    ].join('\n'),
  );
  if (link && process.stdin.isTTY) {
    const current = stack;
    createInterface({ input: process.stdin }).on('line', () => {
      if (!current.newPresenterLink()) say('The console is not running right now: press Enter again once it is back.');
    });
  }
}

main().catch((err: unknown) => {
  if (EXPECTED.some((type) => err instanceof type)) console.error(`\n[start] ${(err as Error).message}\n`);
  else console.error('\n[start] Unexpected error while starting the demo:', err);
  process.exit(1);
});
