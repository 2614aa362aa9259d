/**
 * The worker's workflow source files, read from disk at runtime (never a copy), cached, and re-read when
 * a file changes, so a presenter who edits the code and restarts the worker sees the edit. Which file holds
 * a scenario's workflow is read from the worker's own bundle entry points (index.ts, and index-fixed.ts for
 * RecoverableFailure with its fix deployed): the files the worker really registers.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { workflowTypeOf } from '../../temporal/contract.js';
import type { Scenario } from '../../temporal/contract.js';

/** src/workflows/ of this checkout. */
export const WORKFLOWS_DIR = fileURLToPath(new URL('../../workflows/', import.meta.url));
/** The shared flow every scenario runs. */
export const FLOW_FILE = 'order-flow.ts';
/** How long a file read is trusted before its modification time is checked again. */
const RECHECK_MS = 2000;

export interface SourceFile {
  /** Relative to the project root, as the room reads it: src/workflows/order-flow.ts. */
  path: string;
  text: string;
  /** Changes when the file does (its modification time). */
  version: number;
}

export interface WorkflowSources {
  read(file: string): Promise<SourceFile>;
  /** The file (name in src/workflows/) that exports the scenario's workflow in the bundle the worker runs. */
  scenarioFile(scenario: Scenario, fixed: boolean): Promise<string>;
}

export function createWorkflowSources(dir: string = WORKFLOWS_DIR, now: () => number = Date.now): WorkflowSources {
  const cache = new Map<string, { file: SourceFile; checkedAt: number }>();
  const shown = `src/workflows/`;

  async function read(file: string): Promise<SourceFile> {
    if (!/^[\w.-]+\.ts$/.test(file)) throw new Error(`Not a workflow source file: ${file}`);
    const hit = cache.get(file);
    if (hit && now() - hit.checkedAt < RECHECK_MS) return hit.file;
    const full = path.join(dir, file);
    const { mtimeMs } = await stat(full);
    if (hit && hit.file.version === mtimeMs) {
      hit.checkedAt = now();
      return hit.file;
    }
    const fresh: SourceFile = { path: `${shown}${file}`, text: await readFile(full, 'utf8'), version: mtimeMs };
    cache.set(file, { file: fresh, checkedAt: now() });
    return fresh;
  }

  return {
    read,
    async scenarioFile(scenario, fixed) {
      const name = workflowTypeOf(scenario);
      // index-fixed.ts re-exports the rest from index.ts: follow re-exports a few hops.
      let entry = fixed ? 'index-fixed.ts' : 'index.ts';
      for (let hop = 0; hop < 3; hop++) {
        const target = exportSource((await read(entry)).text, name);
        if (!target) break;
        if (target !== 'index.ts' && target !== 'index-fixed.ts') return target;
        entry = target;
      }
      throw new Error(`No workflow source exports ${name}`);
    },
  };
}

/** The file an entry point re-exports `name` from: `export { A, B } from './file.js'` gives file.ts. */
export function exportSource(entry: string, name: string): string | undefined {
  for (const match of entry.matchAll(/export\s*\{([^}]*)\}\s*from\s*'\.\/([\w.-]+)\.js'/g)) {
    const names = (match[1] ?? '').split(',').map((n) => n.trim().split(/\s+as\s+/).pop());
    if (names.includes(name)) return `${match[2]}.ts`;
  }
  return undefined;
}
