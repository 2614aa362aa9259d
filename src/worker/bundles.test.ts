import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SOURCE_DIRS, SOURCE_FILES, installedVersions, workflowCodeVersion } from './bundles.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of the files that make up the workflow code, to change one at a time. */
function copyOfSources(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'bundle-version-'));
  dirs.push(root);
  for (const dir of SOURCE_DIRS) cpSync(path.join(ROOT, dir), path.join(root, dir), { recursive: true });
  for (const file of SOURCE_FILES) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(root, file));
  }
  return root;
}

/** The project's files a module imports for their values (not `import type`), and what they re-export. */
function valueImports(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const found = [...text.matchAll(/^(?:import|export)\s+(?!type\s)[^;]*?from\s+'(\.{1,2}\/[^']+)\.js';/gms)].map((m) => m[1]!);
  return found.map((spec) => path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), `${spec}.ts`)));
}

describe('the workflow code version (the bundle cache key)', () => {
  it('covers every project file the workflow bundles are built from', () => {
    const seen = new Set<string>();
    const walk = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      valueImports(file).forEach(walk);
    };
    ['src/workflows/index.ts', 'src/workflows/index-fixed.ts'].forEach(walk);
    const covered = (file: string) => SOURCE_FILES.includes(file) || SOURCE_DIRS.includes(path.dirname(file));
    expect([...seen].filter((file) => !covered(file))).toEqual([]);
    // The walk reached the extensions' workflows (it follows re-exports).
    expect(seen).toContain('src/warehouse/workflows.ts');
  });

  it('is stable for unchanged code and changes with any workflow source, the contract or the SDK versions', () => {
    const root = copyOfSources();
    const before = workflowCodeVersion(root);
    expect(workflowCodeVersion(root)).toBe(before);
    for (const file of ['src/workflows/order-flow.ts', 'src/cart/workflows.ts', 'src/temporal/contract.ts', 'package-lock.json']) {
      const copy = copyOfSources();
      writeFileSync(path.join(copy, file), '// changed\n', { flag: 'a' });
      expect(workflowCodeVersion(copy), file).not.toBe(before);
    }
  });

  it('ignores test files next to the workflows', () => {
    const root = copyOfSources();
    const before = workflowCodeVersion(root);
    writeFileSync(path.join(root, 'src/workflows/new.test.ts'), 'export {};\n');
    expect(workflowCodeVersion(root)).toBe(before);
  });
});

describe('the SDK version in the bundle cache key', () => {
  it('is the installed one, and a different SDK is a different code version', () => {
    expect(installedVersions(ROOT)).toContain('@temporalio/workflow@1.24.0');
    const root = copyOfSources();
    const sdk = ['@temporalio/workflow@1.24.0', '@temporalio/worker@1.24.0'];
    expect(workflowCodeVersion(root, sdk)).not.toBe(workflowCodeVersion(root, ['@temporalio/workflow@1.24.1', '@temporalio/worker@1.24.1']));
  });
});

describe('a worker whose bundles are cached', () => {
  it('never loads webpack', () => {
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'bundle-cache-'));
    dirs.push(cacheDir);
    // A cached bundle for the current code version (its content does not matter to the provider).
    writeFileSync(path.join(cacheDir, `orders-${workflowCodeVersion()}.js`), '// cached\n');
    // In a process of its own: this test process may have bundled (and so loaded webpack) already.
    const script = `
      import { createRequire } from 'node:module';
      import '@temporalio/worker';
      import { bundleFromSource } from './src/worker/bundles.ts';
      import { createLogger } from './src/logger.ts';
      const bundle = await bundleFromSource(createLogger({ name: 't', level: 'error' }), ${JSON.stringify(cacheDir)})('orders');
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => ['webpack.js', 'Compiler.js'].some((name) => f.endsWith('/node_modules/webpack/lib/' + name)));
      console.log(JSON.stringify({ code: bundle.code, loaded }));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ code: '// cached\n', loaded: [] });
  });
});
