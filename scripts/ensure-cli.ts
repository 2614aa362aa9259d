/** Finds or builds the Temporal CLI (see src/temporal/cli.ts) so that the test run starts with it in place. */
import path from 'node:path';
import { CliUnavailableError, ensureCli } from '../src/temporal/cli.js';
import { ConfigError, loadConfig } from '../src/config.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const root = path.resolve(import.meta.dirname, '..');
  const cli = await ensureCli({ root, explicitPath: config.devServer.cliPath, say: (line) => console.log(`[setup] ${line}`) });
  console.log(`[setup] Temporal CLI: ${path.relative(root, cli.path) || cli.path} (${cli.source})`);
}

main().catch((err: unknown) => {
  if (err instanceof CliUnavailableError || err instanceof ConfigError) console.error(`\n[setup] ${err.message}\n`);
  else console.error(err);
  process.exit(1);
});
