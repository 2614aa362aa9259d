// The demo's processes as plain JavaScript, built once per version of the sources and cached on disk
// (.cache/js/<version>/), so that `npm start` and the parts it supervises start with `node` alone.
// Under tsx each process also started tsx's loader thread and source-map support for every module it
// loaded: about 1.3 s of CPU per process, four processes on two cores (README: Performance).
//
// Each entry point is bundled with esbuild (the one tsx itself uses) with the npm packages left as
// imports, and `import.meta.url` / `import.meta.dirname` of every source file set to that file's own
// location, so the code finds its views, workflow sources and the cache just as it does under tsx.
// Plain JavaScript, because it runs before anything is compiled (scripts/run.mjs).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CACHE_DIR = path.join(ROOT, '.cache', 'js');
/** Builds older than this are removed (a demo still running from one may need it to restart a part). */
const STALE_MS = 24 * 3600_000;

/** Each process's entry point, by the name the launcher gives the part. */
export const ENTRIES = {
  start: 'scripts/start.ts',
  'orders-worker': 'src/worker/orders.ts',
  'shipping-worker': 'src/worker/shipping.ts',
  web: 'src/web/main.ts',
  database: 'src/db/main.ts',
};

function sourceFiles(dir) {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(rel);
    return /\.(ts|mjs)$/.test(entry.name) && !/\.(test|d)\.m?ts$/.test(entry.name) ? [rel] : [];
  });
}

/** A digest of every source file that can end up in a build, the lockfile and this builder. */
export function sourceVersion() {
  const hash = createHash('sha256');
  for (const file of [...sourceFiles('src'), ...sourceFiles('scripts'), 'package-lock.json'].sort()) {
    hash.update(file).update('\0').update(readFileSync(path.join(ROOT, file))).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const filesIn = (dir) => Object.fromEntries(Object.keys(ENTRIES).map((name) => [name, path.join(dir, `${name}.mjs`)]));

/**
 * The built entry points of the current sources, building them first if needed (about a second, once per
 * change); undefined if they cannot be built (no esbuild: the caller runs the TypeScript with tsx instead).
 * @param {{ onBuild?: (version: string) => void }} [options]
 * @returns {Promise<Record<keyof typeof ENTRIES, string> | undefined>}
 */
export async function prebuiltEntries(options = {}) {
  let dir;
  try {
    const version = sourceVersion();
    dir = path.join(CACHE_DIR, version);
    const files = filesIn(dir);
    if (Object.values(files).every((file) => existsSync(file))) return files;
    options.onBuild?.(version);
    const esbuild = await loadEsbuild();
    // Built aside and renamed: a process starting meanwhile finds a whole build or none.
    const partial = `${dir}.${process.pid}.tmp`;
    await esbuild.build({
      entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, path.join(ROOT, file)])),
      outdir: partial,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      // Code loaded on demand (e.g. webpack's bundler, only when a workflow bundle must be built) stays out
      // of a process's start-up: each dynamic import becomes a chunk of its own.
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      sourcemap: 'linked',
      logLevel: 'silent',
      plugins: [ownLocation],
    });
    try {
      renameSync(partial, dir);
    } catch {
      rmSync(partial, { recursive: true, force: true }); // built by someone else meanwhile
    }
    pruneOldBuilds(dir);
    return filesIn(dir);
  } catch {
    return undefined;
  }
}

/** esbuild, as installed with tsx (a dependency of the project). */
async function loadEsbuild() {
  const fromTsx = createRequire(createRequire(path.join(ROOT, 'package.json')).resolve('tsx/package.json'));
  return import(pathToFileURL(fromTsx.resolve('esbuild')).href);
}

/** Every source file keeps its own import.meta.url and dirname, as if it had not been bundled. */
const ownLocation = {
  name: 'own-location',
  setup(build) {
    build.onLoad({ filter: /\.(ts|mjs)$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      const contents = source
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
        .replaceAll('import.meta.filename', JSON.stringify(args.path));
      return { contents, loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

function pruneOldBuilds(keep) {
  const now = Date.now();
  for (const name of readdirSync(CACHE_DIR)) {
    const dir = path.join(CACHE_DIR, name);
    try {
      if (dir !== keep && now - statSync(dir).mtimeMs > STALE_MS) rmSync(dir, { recursive: true, force: true });
    } catch {
      // Removed by someone else meanwhile.
    }
  }
}
