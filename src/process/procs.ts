/**
 * Processes read from /proc (Linux): a launcher's parts, whether anything of it is left once it is gone, and
 * whether a pid still runs the program we think (a leftover dev server, not a stranger that reused its pid). A zombie (ended, not yet reaped) counts as gone: it runs nothing and holds no port.
 */
import { readdirSync, readFileSync } from 'node:fs';

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces or parentheses). */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

export function alive(pid: number): boolean {
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== 'Z';
}

/** Every process below `root` (children, their children...). */
export function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = Number(statFields(Number(entry))?.[1]);
    if (parent > 0) parents.set(Number(entry), parent);
  }
  const out: number[] = [];
  const walk = (parent: number): void => {
    for (const [pid, ppid] of parents) if (ppid === parent) (out.push(pid), walk(pid));
  };
  walk(root);
  return out;
}

/** A part's command line: its TypeScript entry point (run through tsx) or its build (.cache/js/<version>/<part>.mjs). */
export const PART_COMMAND = {
  'orders-worker': /src\/worker\/orders\.ts|\/orders-worker\.mjs/,
  'shipping-worker': /src\/worker\/shipping\.ts|\/shipping-worker\.mjs/,
  web: /src\/web\/main\.ts|\/web\.mjs/,
  database: /src\/db\/main\.ts|\/database\.mjs/,
} as const;

/** The pid of the launcher's part whose command line holds `marker` (e.g. PART_COMMAND.web, or 'start-dev'). */
export function partPid(launcher: number, marker: string | RegExp): number | undefined {
  return descendants(launcher).find((pid) => {
    const command = commandLine(pid);
    return typeof marker === 'string' ? command.includes(marker) : marker.test(command);
  });
}
