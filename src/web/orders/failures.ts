/**
 * A Temporal failure read for the room: the innermost cause (what actually went wrong), what failed (the
 * activity, child workflow or Nexus operation named in the chain), whether it was retryable, and where
 * workflow code threw (from the stack trace, in any SDK's format).
 */
import type { HistoryEvent } from '../../temporal/client.js';

export type Failure = NonNullable<NonNullable<HistoryEvent['workflowExecutionFailedEventAttributes']>['failure']>;

export interface FailureInfo {
  /** Outermost message (e.g. "Activity task failed"): the SDK's wrapper, not for the room. */
  message: string;
  /** Innermost cause: what actually went wrong. */
  rootMessage: string;
  rootType: string | undefined;
  /** What failed, when the failure came out of an activity, a child workflow or a Nexus operation. */
  source?: FailureSource;
  /** The error said it must not be retried (an application failure marked non-retryable). */
  nonRetryable?: boolean;
  /** The innermost cause is a timeout (start-to-close, schedule-to-close...), e.g. START_TO_CLOSE. */
  timeoutType?: string;
}

export interface FailureSource {
  kind: 'activity' | 'child' | 'nexus';
  /** Activity type, child workflow type or Nexus operation name. */
  name: string;
}

export interface CodeLocation {
  /** The file's name without its folders (recoverable-failure.ts). */
  file: string;
  line: number;
}

export function failureOf(failure: Failure): FailureInfo {
  let root: Failure = failure;
  let source: FailureSource | undefined;
  let nonRetryable = false;
  for (let f: Failure | null | undefined = failure, depth = 0; f && depth < 10; f = f.cause, depth++) {
    root = f;
    source ??= sourceOf(f);
    // Go wraps the activity's error in an application error of its own: any non-retryable link counts.
    if (f.applicationFailureInfo?.nonRetryable) nonRetryable = true;
  }
  const timeout = root.timeoutFailureInfo?.timeoutType;
  return {
    message: failure.message ?? '',
    rootMessage: root.message || failure.message || '',
    rootType: root.applicationFailureInfo?.type ?? undefined,
    source,
    nonRetryable,
    timeoutType: timeout === undefined || timeout === null ? undefined : timeoutTypeName(timeout),
  };
}

function sourceOf(f: Failure): FailureSource | undefined {
  const activity = f.activityFailureInfo?.activityType?.name;
  if (activity) return { kind: 'activity', name: activity };
  const child = f.childWorkflowExecutionFailureInfo?.workflowType?.name;
  if (child) return { kind: 'child', name: child };
  const operation = f.nexusOperationExecutionFailureInfo?.operation;
  if (operation) return { kind: 'nexus', name: operation };
  return undefined;
}

/** The proto enum arrives as a number or, from JSON, as its name (TIMEOUT_TYPE_START_TO_CLOSE). */
function timeoutTypeName(value: unknown): string {
  const names: Record<number, string> = { 1: 'START_TO_CLOSE', 2: 'SCHEDULE_TO_START', 3: 'SCHEDULE_TO_CLOSE', 4: 'HEARTBEAT' };
  if (typeof value === 'number') return names[value] ?? 'UNSPECIFIED';
  return String(value).replace(/^TIMEOUT_TYPE_/, '');
}

/**
 * The first frame of the failure's stack trace (or its causes') in the application's own code: a
 * TypeScript/JavaScript frame `at fn (path/file.ts:14:13)`, a Go frame `\t/path/file.go:123 +0x1d`, a
 * Python frame `File "path/file.py", line 42`, a Java or .NET frame `(File.java:42)` / `in File.cs:line 42`.
 * Frames inside an SDK or a dependency are skipped: they are not where the bug is.
 */
export function throwSite(failure: Failure): CodeLocation | undefined {
  for (let f: Failure | null | undefined = failure, depth = 0; f && depth < 10; f = f.cause, depth++) {
    for (const line of (f.stackTrace ?? '').split('\n')) {
      if (LIBRARY_FRAME.test(line)) continue;
      const match = FRAME_PATTERNS.map((re) => re.exec(line)).find((m) => m !== null);
      if (match?.groups?.path && match.groups.line) {
        return { file: match.groups.path.split(/[\\/]/).pop() ?? match.groups.path, line: Number(match.groups.line) };
      }
    }
  }
  return undefined;
}

const FRAME_PATTERNS = [
  /File "(?<path>[^"]+)", line (?<line>\d+)/, // Python
  / in (?<path>[^\s:]+\.\w+):line (?<line>\d+)/, // .NET
  /(?<path>[\w@.\-/\\]+\.(?:[cm]?[jt]sx?|go|java|kt|rb|py|cs)):(?<line>\d+)/, // TS/JS (path:line:col), Go, Ruby
];
// A TS worker's trace starts with V8's excerpt of the line in the webpack bundle that rethrew the error.
const LIBRARY_FRAME = /node_modules|workflow-bundle-|@temporalio|go\.temporal\.io|io\.temporal\.|Temporalio\.|temporalio[\\/]|site-packages|\/runtime\/|<anonymous>|node:internal/;
