/**
 * The demo gateway's API keys: issued, revoked, and counted. Only a SHA-256 digest of each key is kept
 * after issue(), so neither list() nor a heap dump of the store can hand a key back out.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Returned once, by issue(): the only place the key string leaves the store. */
export interface IssuedKey {
  id: string;
  key: string;
  label: string;
  /** Last 4 characters: enough for a person to tell keys apart, useless to an attacker. */
  fingerprint: string;
  issuedAt: string;
}

/** What the console may show about a key; never the key itself. */
export interface KeyInfo {
  id: string;
  label: string;
  fingerprint: string;
  issuedAt: string;
  revokedAt: string | null;
  accepted: number;
  rejected: number;
  lastAcceptedAt: string | null;
  lastRejectedAt: string | null;
  /** Rejections within the store's recent window (30 s by default): "the worker's polls are being rejected". */
  rejectedRecently: number;
}

/** Calls that presented no key or a key this store never issued (the worker's 'revoked' placeholder lands here). */
export interface UnknownKeyStats {
  rejected: number;
  lastRejectedAt: string | null;
  rejectedRecently: number;
}

export type KeyCheck =
  | { ok: true; id: string }
  | { ok: false; reason: 'missing' | 'unknown' }
  | { ok: false; reason: 'revoked'; id: string; fingerprint: string };

interface Entry {
  info: Omit<KeyInfo, 'rejectedRecently'>;
  digest: Buffer;
  recentRejections: number[];
}

const MAX_RECENT = 10_000;

export class KeyStore {
  readonly #entries = new Map<string, Entry>();
  readonly #unknown = { rejected: 0, lastRejectedAt: null as string | null, recent: [] as number[] };
  readonly #revokeListeners = new Set<(id: string) => void>();

  constructor(
    private readonly recentWindowMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  issue(label: string): IssuedKey {
    // 32 random bytes, base64url: 43 characters that are safe in an HTTP header and in a URL.
    const key = randomBytes(32).toString('base64url');
    const id = `key-${randomBytes(6).toString('hex')}`;
    const issuedAt = new Date(this.now()).toISOString();
    const fingerprint = key.slice(-4);
    this.#entries.set(id, {
      info: { id, label, fingerprint, issuedAt, revokedAt: null, accepted: 0, rejected: 0, lastAcceptedAt: null, lastRejectedAt: null },
      digest: digest(key),
      recentRejections: [],
    });
    return { id, key, label, fingerprint, issuedAt };
  }

  /** Returns false when no such key exists; revoking twice is harmless. */
  revoke(id: string): boolean {
    const entry = this.#entries.get(id);
    if (!entry) return false;
    if (entry.info.revokedAt === null) {
      entry.info.revokedAt = new Date(this.now()).toISOString();
      for (const listener of this.#revokeListeners) listener(id);
    }
    return true;
  }

  /** Called with the id of each newly revoked key (the gateway cuts that key's open calls). */
  onRevoke(listener: (id: string) => void): () => void {
    this.#revokeListeners.add(listener);
    return () => this.#revokeListeners.delete(listener);
  }

  isValid(key: string): boolean {
    const entry = this.#find(key);
    return entry !== undefined && entry.info.revokedAt === null;
  }

  /** Checks a presented key and counts the call against it (or against "unknown"). */
  check(key: string | undefined): KeyCheck {
    const entry = key ? this.#find(key) : undefined;
    const at = this.now();
    if (!entry) {
      this.#unknown.rejected += 1;
      this.#unknown.lastRejectedAt = new Date(at).toISOString();
      record(this.#unknown.recent, at, this.recentWindowMs);
      return { ok: false, reason: key ? 'unknown' : 'missing' };
    }
    if (entry.info.revokedAt !== null) {
      entry.info.rejected += 1;
      entry.info.lastRejectedAt = new Date(at).toISOString();
      record(entry.recentRejections, at, this.recentWindowMs);
      return { ok: false, reason: 'revoked', id: entry.info.id, fingerprint: entry.info.fingerprint };
    }
    entry.info.accepted += 1;
    entry.info.lastAcceptedAt = new Date(at).toISOString();
    return { ok: true, id: entry.info.id };
  }

  get(id: string): KeyInfo | undefined {
    const entry = this.#entries.get(id);
    return entry && { ...entry.info, rejectedRecently: this.#recent(entry.recentRejections) };
  }

  list(): KeyInfo[] {
    return [...this.#entries.keys()].map((id) => this.get(id)!);
  }

  unknownStats(): UnknownKeyStats {
    const { rejected, lastRejectedAt, recent } = this.#unknown;
    return { rejected, lastRejectedAt, rejectedRecently: this.#recent(recent) };
  }

  // Compares against every key without stopping at a match, on fixed-length digests, so the time taken
  // says nothing about how much of a guess was right.
  #find(key: string): Entry | undefined {
    const presented = digest(key);
    let found: Entry | undefined;
    for (const entry of this.#entries.values()) {
      if (timingSafeEqual(entry.digest, presented)) found = entry;
    }
    return found;
  }

  #recent(times: number[]): number {
    const since = this.now() - this.recentWindowMs;
    return times.filter((t) => t > since).length;
  }
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

function record(times: number[], at: number, windowMs: number): void {
  times.push(at);
  while (times.length > 0 && (times[0]! <= at - windowMs || times.length > MAX_RECENT)) times.shift();
}
