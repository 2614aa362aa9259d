/**
 * The worker's workflow source files, read from disk at runtime (never a copy), cached, and re-read when
 * a file changes, so a presenter who edits the code and restarts the worker sees the edit. Which file holds
 * a workflow type is read from the worker's own bundle entry points (index.ts, and index-fixed.ts for
 * RecoverableFailure with its fix deployed): the files the worker really registers, in src/workflows/ for
 * the contract's scenarios and in a domain's folder (src/fulfilment/workflows.ts) for our extensions.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
  /** `file`: a name in src/workflows/, or ../<domain>/<name>.ts for an extension's folder. */
  read(file: string): Promise<SourceFile>;
  /**
   * The file (as read() takes it) that exports this workflow type in the bundle the worker runs; undefined
   * when the worker has no such workflow (an order started by another language's worker under its own type).
   */
  workflowFile(workflowType: string, fixed: boolean): Promise<string | undefined>;
}

/** A file the code view may show: in src/workflows/, or one folder over (src/<domain>/), nothing else. */
const SOURCE_FILE = /^(\.\.\/[\w-]+\/)?[\w.-]+\.ts$/;

export function createWorkflowSources(dir: string = WORKFLOWS_DIR, now: () => number = Date.now): WorkflowSources {
  const cache = new Map<string, { file: SourceFile; checkedAt: number }>();

  async function read(file: string): Promise<SourceFile> {
    if (!SOURCE_FILE.test(file)) throw new Error(`Not a workflow source file: ${file}`);
    const hit = cache.get(file);
    if (hit && now() - hit.checkedAt < RECHECK_MS) return hit.file;
    const full = path.join(dir, file);
    const { mtimeMs } = await stat(full);
    if (hit && hit.file.version === mtimeMs) {
      hit.checkedAt = now();
      return hit.file;
    }
    const fresh: SourceFile = { path: path.posix.join('src/workflows', file), text: await readFile(full, 'utf8'), version: mtimeMs };
    cache.set(file, { file: fresh, checkedAt: now() });
    return fresh;
  }

  return {
    read,
    async workflowFile(workflowType, fixed) {
      // index-fixed.ts re-exports the rest from index.ts: follow re-exports a few hops.
      let entry = fixed ? 'index-fixed.ts' : 'index.ts';
      for (let hop = 0; hop < 3; hop++) {
        const target = exportSource((await read(entry)).text, workflowType);
        if (!target) return undefined;
        if (target !== 'index.ts' && target !== 'index-fixed.ts') return target;
        entry = target;
      }
      return undefined;
    },
  };
}

/**
 * The file an entry point re-exports `name` from: `export { A, B } from './file.js'` gives file.ts, and
 * `export { C } from '../cart/workflows.js'` gives ../cart/workflows.ts.
 */
export function exportSource(entry: string, name: string): string | undefined {
  for (const match of entry.matchAll(/export\s*\{([^}]*)\}\s*from\s*'(\.\/[\w.-]+|\.\.\/[\w-]+\/[\w.-]+)\.js'/g)) {
    const names = (match[1] ?? '').split(',').map((n) => n.trim().split(/\s+as\s+/).pop());
    if (names.includes(name)) return `${match[2]!.replace(/^\.\//, '')}.ts`;
  }
  return undefined;
}
