/**
 * A read shared by every browser that polls it: one call in flight at a time, and its answer reused for
 * a short while, so a room of open pages (each refreshing every 2 s) costs what one page costs.
 */
export interface SharedRead<T> {
  get(): Promise<T>;
  /** Forget the cached answer (after an action changed what it reads); a read in flight is not reused. */
  invalidate(): void;
}

export function sharedRead<T>(read: () => Promise<T>, ttlMs: number, now: () => number = Date.now): SharedRead<T> {
  let cached: { at: number; value: T } | undefined;
  let inflight: Promise<T> | undefined;
  let generation = 0;
  return {
    get() {
      if (cached && now() - cached.at < ttlMs) return Promise.resolve(cached.value);
      if (inflight) return inflight;
      const started = generation;
      const at = now();
      inflight = read()
        .then((value) => {
          // An answer that started before invalidate() may predate the change: serve it once, keep it not.
          if (started === generation) cached = { at, value };
          return value;
        })
        .finally(() => {
          if (started === generation) inflight = undefined;
        });
      return inflight;
    },
    invalidate() {
      generation += 1;
      cached = undefined;
      inflight = undefined;
    },
  };
}
