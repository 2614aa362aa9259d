import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { workflowCodeVersion } from './bundles.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A copy of the files that make up the workflow code, to change one at a time. */
function copyOfSources(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'bundle-version-'));
  dirs.push(root);
  for (const dir of ['src/workflows', 'src/activities']) cpSync(path.join(ROOT, dir), path.join(root, dir), { recursive: true });
  for (const file of ['src/temporal/contract.ts', 'src/metrics/names.ts', 'src/nexus/api.ts', 'package-lock.json']) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(root, file));
  }
  return root;
}

describe('the workflow code version (the bundle cache key)', () => {
  it('is stable for unchanged code and changes with any workflow source, the contract or the SDK versions', () => {
    const root = copyOfSources();
    const before = workflowCodeVersion(root);
    expect(workflowCodeVersion(root)).toBe(before);
    for (const file of ['src/workflows/order-flow.ts', 'src/temporal/contract.ts', 'package-lock.json']) {
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
