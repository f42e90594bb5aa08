import { expect, it } from 'vitest';
import { createCachingLayer, getOrCompute } from '../src/index.js';
import { forEachTarget, rkey, sleep } from './targets.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) =>
  b === undefined ? undefined : new TextDecoder().decode(b);

forEachTarget((h) => {
  it('sees its own writes, deletes and compare-and-swaps at once', async () => {
    const cached = createCachingLayer(await h.open(), { maxAgeMs: 60_000 });
    const key = rkey('cl');
    expect(await cached.get(key)).toBeUndefined();
    await cached.set(key, enc('a'));
    expect(dec(await cached.get(key))).toBe('a');
    expect(await cached.compareAndSwap(key, enc('a'), enc('b'))).toBe(true);
    expect(dec(await cached.get(key))).toBe('b');
    expect(await cached.compareAndSwap(key, enc('a'), enc('c'))).toBe(false);
    expect(dec(await cached.get(key))).toBe('b');
    expect(await cached.increment(`${key}:n`)).toBe(1);
    expect(dec(await cached.get(`${key}:n`))).toBe('1');
    expect(await cached.increment(`${key}:n`)).toBe(2);
    expect(dec(await cached.get(`${key}:n`))).toBe('2');
    expect(await cached.delete(key)).toBe(true);
    expect(await cached.get(key)).toBeUndefined();
    await cached.setMany([{ key, value: enc('m') }]);
    expect((await cached.getMany([key, `${key}:n`])).map(dec)).toEqual(['m', '2']);
    await cached.clear({ prefix: key });
    expect(await cached.get(key)).toBeUndefined();
    expect(cached.stats().hits).toBeGreaterThan(0);
  });

  it('never serves a value past the backend expiry', async () => {
    const backend = await h.open();
    const cached = createCachingLayer(backend, { maxAgeMs: 60_000 });
    const own = rkey('cl');
    const foreign = rkey('cl');
    await cached.set(own, enc('own'), { ttl: 400 });
    await backend.set(foreign, enc('foreign'), { ttl: 400 });
    expect(dec(await cached.get(own))).toBe('own');
    expect(dec(await cached.get(foreign))).toBe('foreign');
    expect(dec(await cached.get(foreign))).toBe('foreign'); // from memory now
    const before = cached.stats();
    await sleep(500);
    expect(await cached.get(own)).toBeUndefined();
    expect(await cached.get(foreign)).toBeUndefined();
    expect(cached.stats().misses).toBe(before.misses + 2);
  });

  it('sees writes of other managers within maxAgeMs', async () => {
    const backend = await h.open();
    const cached = createCachingLayer(backend, { maxAgeMs: 500 });
    const key = rkey('cl');
    await backend.set(key, enc('v1'));
    expect(dec(await cached.get(key))).toBe('v1');
    await backend.set(key, enc('v2'));
    expect(dec(await cached.get(key))).toBe('v1'); // within the staleness bound
    await sleep(600);
    expect(dec(await cached.get(key))).toBe('v2');
  });

  it('stays within maxEntries and maxBytes, least recently used first', async () => {
    const cached = createCachingLayer(await h.open(), { maxEntries: 3, maxBytes: 10_000 });
    const p = rkey('cl');
    for (let i = 0; i < 5; i++) await cached.set(`${p}:${i}`, enc(`v${i}`));
    expect(cached.stats()).toMatchObject({ entries: 3, evictions: 2 });
    await cached.set(`${p}:big`, new Uint8Array(20_000));
    expect(cached.stats().entries).toBe(3); // too big to cache, still stored
    expect((await cached.get(`${p}:big`))?.byteLength).toBe(20_000);
    const small = createCachingLayer(await h.open(), { maxBytes: 1_000 });
    for (let i = 0; i < 20; i++) await small.set(`${p}:s${i}`, new Uint8Array(100));
    expect(small.stats().bytes).toBeLessThanOrEqual(1_000);
  });

  it('a concurrent read never leaves an older value cached after its own write', async () => {
    const cached = createCachingLayer(await h.open(), { maxAgeMs: 60_000 });
    const key = rkey('cl');
    for (let round = 0; round < 20; round++) {
      const reads = Array.from({ length: 5 }, () => cached.get(key));
      await cached.set(key, enc(`r${round}`));
      await Promise.all(reads);
      expect(dec(await cached.get(key))).toBe(`r${round}`);
    }
  });

  it('works under getOrCompute', async () => {
    const cached = createCachingLayer(await h.open());
    const key = rkey('cl');
    let n = 0;
    expect(await getOrCompute(cached, key, () => ++n, { ttl: 5_000 })).toBe(1);
    expect(await getOrCompute(cached, key, () => ++n, { ttl: 5_000 })).toBe(1);
    await cached.close();
    await expect(cached.get(key)).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
  });
});

forEachTarget((h) => {
  it('caches what set and compareAndSwap were given, not what the caller changed afterwards', async () => {
    const cached = createCachingLayer(await h.open(), { maxAgeMs: 60_000 });
    const key = rkey('cl');
    const value = enc('original');
    const written = cached.set(key, value);
    value.fill(0x58); // before the write resolves
    await written;
    expect(dec(await cached.get(key))).toBe('original');
    const next = enc('new');
    const swapped = cached.compareAndSwap(key, enc('original'), next);
    next.fill(0x58);
    expect(await swapped).toBe(true);
    expect(dec(await cached.get(key))).toBe('new');
    expect(dec(await cached.backend.get(key))).toBe('new');
  });

  it('a keys() iteration started before close() rejects with ERR_STATE_CLOSED afterwards', async () => {
    const cached = createCachingLayer(await h.open());
    const prefix = rkey('cl');
    await cached.setMany([1, 2, 3].map((i) => ({ key: `${prefix}:${i}`, value: enc('v') })));
    const it = cached.keys({ prefix })[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    await cached.close();
    await expect(it.next()).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
  });
});

forEachTarget((h) => {
  it('exists answers from the cache and names itself in errors', async () => {
    const cached = createCachingLayer(await h.open(), { maxAgeMs: 60_000 });
    const key = rkey('cl');
    await cached.set(key, enc('v'));
    const hits = cached.stats().hits;
    expect(await cached.exists(key)).toBe(true);
    expect(await cached.exists(`${key}:absent`)).toBe(false);
    expect(await cached.exists(`${key}:absent`)).toBe(false);
    expect(cached.stats().hits).toBe(hits + 2);
    await expect(cached.exists('')).rejects.toMatchObject({ code: 'ERR_STATE_INVALID_KEY' });
    await cached.close();
    await expect(cached.exists(key)).rejects.toThrow(/exists\(\)/);
  });
});
