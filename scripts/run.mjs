#!/usr/bin/env node
// `npm start`: the setup steps (bootstrap.mjs), then the launcher as plain JavaScript built from the
// TypeScript sources (prebuild.mjs: cached per version of the sources), in this same process. Without
// esbuild it falls back to running the TypeScript through tsx, as before.
import { pathToFileURL } from 'node:url';

await import('./bootstrap.mjs');
const { ENTRIES, ROOT, prebuiltEntries } = await import('./prebuild.mjs');
const entry = process.argv[2] ?? 'start';
if (!(entry in ENTRIES)) {
  console.error(`[run] No entry point named "${entry}" (known: ${Object.keys(ENTRIES).join(', ')}).`);
  process.exit(1);
}
const built = await prebuiltEntries({ onBuild: () => console.log('[setup] Compiling the TypeScript sources (once per change)...') });
if (built) {
  await import(pathToFileURL(built[entry]).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(`${ROOT}/${ENTRIES[entry]}`).href);
}
