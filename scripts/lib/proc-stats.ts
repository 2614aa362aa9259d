/**
 * A process's CPU time and memory from Linux's /proc, for the worker figures: CPU is utime + stime of
 * every thread (the workflow threads included), memory the resident set now (VmRSS) and its peak (VmHWM,
 * which writing 5 to clear_refs resets to the current size).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat (getconf CLK_TCK; 100 on Linux everywhere in practice). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime from a /proc/<pid>/stat line, in ticks (the fields after the parenthesised command name). */
export function cpuTicksOfStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5); the first field after the name is field 3.
  return Number(fields[14 - 3]) + Number(fields[15 - 3]);
}

/** CPU time the process has used so far, in ms. */
export function cpuMs(pid: number): number {
  return (cpuTicksOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8')) * 1000) / clockTicks();
}

/** A kB field of /proc/<pid>/status (VmRSS, VmHWM) in MB; undefined when it cannot be read. */
export function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Resets the peak resident set (VmHWM) to the current size; false when not allowed (then it is the peak since start). */
export function resetPeakMemory(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
