import { describe, expect, it } from 'vitest';
import { sharedRead } from './shared-read.js';

describe('sharedRead', () => {
  it('makes one call for concurrent and recent readers, and a new one once the answer is old', async () => {
    let now = 0;
    let calls = 0;
    const read = sharedRead(async () => ++calls, 1000, () => now);
    expect(await Promise.all([read.get(), read.get(), read.get()])).toEqual([1, 1, 1]);
    now = 999;
    expect(await read.get()).toBe(1);
    now = 1000;
    expect(await read.get()).toBe(2);
  });

  it('reads again after invalidate(), even while an older read is in flight', async () => {
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const read = sharedRead(async () => {
      const call = ++calls;
      if (call === 1) await gate;
      return call;
    }, 60_000);
    const old = read.get();
    read.invalidate();
    expect(await read.get()).toBe(2);
    release();
    expect(await old).toBe(1);
    expect(await read.get()).toBe(2); // the stale answer was not kept
  });

  it('does not keep a failure', async () => {
    let calls = 0;
    const read = sharedRead(async () => {
      calls += 1;
      if (calls === 1) throw new Error('down');
      return calls;
    }, 60_000);
    await expect(read.get()).rejects.toThrow('down');
    expect(await read.get()).toBe(2);
  });
});
