#!/usr/bin/env node
// First step of `npm start`, `npm test` and the other entry points, on a fresh clone as on a warm one.
// Plain JavaScript with no dependencies, because it runs before node_modules exists:
//   1. installs the npm dependencies when they are missing or older than package-lock.json;
//   2. vendors htmx and its SSE extension into public/vendor (never served from a CDN);
//   3. with --test: makes sure Debian's Chromium (browser tests) and PostgreSQL (the database tests run against
//      a real server as well as the embedded PGlite) are installed, and the Temporal CLI is built.
// Each step says what it is doing; the slow ones show their own progress.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const say = (line) => console.log(`[setup] ${line}`);

function fail(message) {
  console.error(`\n[setup] ${message}\n`);
  process.exit(1);
}

function run(cmd, cmdArgs, options = {}) {
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...options });
  return result.status === 0;
}

function checkNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) fail(`Node.js 20 or newer is needed (this is ${process.version}). Install Node 20 LTS and run the command again.`);
}

function ensureDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
  if (fresh) return;
  say('Installing npm dependencies (first run: about a minute)...');
  // `npm install` from the lockfile rather than `npm ci`: registries that carry only this platform's builds
  // of optional native packages (e.g. @swc/core's macOS and Windows binaries) make `npm ci` refuse the lock.
  if (!run('npm', ['install', '--no-audit', '--no-fund', '--progress=true'])) {
    fail('`npm install` failed (see above). Check that the npm registry is reachable, then run the command again.');
  }
}

function vendorFrontEnd() {
  const files = [
    ['node_modules/htmx.org/dist/htmx.min.js', 'public/vendor/htmx.min.js'],
    ['node_modules/htmx-ext-sse/dist/sse.min.js', 'public/vendor/sse.js'],
    // Morphs live regions in place: the progress bar animates and running steps keep their spinners.
    ['node_modules/idiomorph/dist/idiomorph-ext.min.js', 'public/vendor/idiomorph-ext.min.js'],
  ];
  mkdirSync(path.join(root, 'public', 'vendor'), { recursive: true });
  for (const [from, to] of files) {
    const source = path.join(root, from);
    const target = path.join(root, to);
    if (!existsSync(source)) fail(`${from} is missing: delete node_modules and run the command again.`);
    if (!existsSync(target) || !readFileSync(source).equals(readFileSync(target))) copyFileSync(source, target);
  }
}

const CHROMIUM = '/usr/bin/chromium';

/** Installs a Debian package with apt-get (through sudo unless root), updating the package lists once if needed. */
function aptInstall(pkg, why, hint) {
  const aptGet = ['/usr/bin/apt-get', '/bin/apt-get'].find((p) => existsSync(p));
  if (!aptGet) fail(`${why}. Install it (on Debian: \`apt-get install -y ${pkg}\`)${hint ? `, ${hint}` : ''} and run the command again.`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => run(sudo[0] ?? aptGet, [...(sudo.length ? [aptGet] : []), '-q', 'install', '-y', '--no-install-recommends', pkg], { env });
  if (!install()) {
    run(sudo[0] ?? aptGet, [...(sudo.length ? [aptGet] : []), 'update'], { env });
    if (!install()) fail(`Could not install ${pkg} with apt-get (see above). Install it yourself (\`apt-get install -y ${pkg}\`) and run the command again.`);
  }
}

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  say('Installing Chromium for the browser tests (apt-get install chromium, a minute or two)...');
  aptInstall('chromium', `The browser tests need Chromium at ${CHROMIUM}`);
}

/** Debian's server binaries (initdb, postgres), in /usr/lib/postgresql/<version>/bin; PG_BIN names another place. */
function hasPostgres() {
  if (process.env.PG_BIN) return existsSync(path.join(process.env.PG_BIN, 'initdb'));
  const root = '/usr/lib/postgresql';
  return existsSync(root) && readdirSync(root).some((v) => existsSync(path.join(root, v, 'bin', 'initdb')));
}

function ensurePostgres() {
  if (hasPostgres()) return;
  // Only the binaries are used: each test run starts its own server on a free port with a throw-away data folder.
  say('Installing PostgreSQL for the database tests (apt-get install postgresql, a minute)...');
  aptInstall('postgresql', 'The database tests also run against a real PostgreSQL server', 'or set PG_BIN to the folder of its initdb and postgres');
  if (!hasPostgres()) fail('postgresql was installed but no initdb was found under /usr/lib/postgresql/*/bin: set PG_BIN to the folder of initdb and postgres.');
}

function ensureTemporalCli() {
  // Written in TypeScript (it shares the resolver with the launcher), so it runs after the install above.
  if (!run(process.execPath, ['--import', 'tsx', path.join('scripts', 'ensure-cli.ts')])) process.exit(1);
}

checkNode();
ensureDependencies();
vendorFrontEnd();
if (args.has('--test')) {
  ensureChromium();
  ensurePostgres();
  ensureTemporalCli();
}
