/**
 * A sliding-window limit per key (a viewer, an address): at most `limit` hits in any `windowMs`. Used
 * for the audience's adds to the room cart, so a room of phones cannot flood one workflow's history.
 * In memory: a console restart forgets it, which costs a few extra adds at most.
 */
export interface RateLimit {
  /** Records a hit for the key: allowed, or refused with how many seconds until the next one is. */
  hit(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number };
}

export function createRateLimit(options: { limit: number; windowMs: number; now?: () => number; maxKeys?: number }): RateLimit {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 10_000;
  const hits = new Map<string, number[]>();
  return {
    hit(key) {
      const t = now();
      const recent = (hits.get(key) ?? []).filter((at) => t - at < options.windowMs);
      if (recent.length >= options.limit) {
        hits.set(key, recent);
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((recent[0]! + options.windowMs - t) / 1000)) };
      }
      recent.push(t);
      // Refreshed keys move to the end: when full, the least recently seen key is forgotten first.
      hits.delete(key);
      hits.set(key, recent);
      if (hits.size > maxKeys) hits.delete(hits.keys().next().value as string);
      return { allowed: true };
    },
  };
}
