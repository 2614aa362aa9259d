/** `npm start`: the whole demo on this machine, stopped cleanly by Ctrl-C. */
import { ConfigError, loadConfig } from '../src/config.js';
import { CliUnavailableError } from '../src/temporal/cli.js';
import { DevServerError, PortInUseError } from '../src/temporal/devserver.js';
import { StackError, startStack, type Stack } from './lib/stack.js';

const say = (line: string): void => console.log(`[start] ${line}`);
const EXPECTED = [ConfigError, CliUnavailableError, DevServerError, PortInUseError, StackError];

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
  stack = await startStack({ config, say, persistent: true, supervise: true });
  if (stopping) return;
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    [
      '',
      `  Order demo console  ${stack.consoleUrl}`,
      `  Temporal Web UI     ${stack.uiUrl ?? '(your server\'s UI; set TEMPORAL_UI_URL to link it from the console)'}`,
      `  Temporal server     ${stack.address}${stack.devServer ? ` (dev server, state in ${config.devServer.stateDir}/)` : ''}`,
      '',
      `  Ready in ${secs} s. Press Ctrl-C to stop everything.`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  if (EXPECTED.some((type) => err instanceof type)) console.error(`\n[start] ${(err as Error).message}\n`);
  else console.error('\n[start] Unexpected error while starting the demo:', err);
  process.exit(1);
});
