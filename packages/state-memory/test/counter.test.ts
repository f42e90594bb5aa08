import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryState, createMemoryStore } from '../src/index.js';
import { ValueArena } from '../src/value-arena.js';
import { rand, sleep, text } from './helpers.js';

const decimal = (n: number): Uint8Array => text(String(n));

describe('counters: a record written by increment keeps its number', () => {
  it('writeDecimal writes exactly the bytes of String(n) for any safe integer', () => {
    const arena = new ValueArena();
    const slot = { chunk: null, offset: 0, length: 0 };
    const check = (n: number) => {
      arena.writeDecimal(slot, n);
      expect(arena.copyOut(slot)).toEqual(decimal(n));
    };
    for (const n of [0, 1, -1, 9, 10, -10, 99, 100, 2 ** 31, -(2 ** 31)]) check(n);
    check(Number.MAX_SAFE_INTEGER);
    check(Number.MIN_SAFE_INTEGER);
    fc.assert(fc.property(fc.maxSafeInteger(), (n) => check(n)));
  });

  it('get, getMany, exists, keys and ttl read a counter as ASCII decimal', async () => {
    await using state = createMemoryState();
    const k = rand();
    expect(await state.increment(k, 41, { ttl: 60_000 })).toBe(41);
    expect(await state.increment(k)).toBe(42);
    expect(await state.get(k)).toEqual(text('42'));
    expect(await state.getMany([k, rand(), k])).toEqual([text('42'), undefined, text('42')]);
    expect(await state.exists(k)).toBe(true);
    const keys: string[] = [];
    for await (const key of state.keys()) keys.push(key);
    expect(keys).toEqual([k]);
    const left = await state.ttl(k);
    expect(left).toBeGreaterThan(50_000);
    expect(left).toBeLessThanOrEqual(60_000);
  });

  it('a value read from a counter is a copy: mutating it changes nothing', async () => {
    await using state = createMemoryState();
    const k = rand();
    await state.increment(k, 7);
    const got = (await state.get(k))!;
    got[0] = 57; // '9'
    expect(await state.increment(k)).toBe(8);
    expect(await state.get(k)).toEqual(text('8'));
  });

  it('compareAndSwap compares against the stored decimal bytes, then increment parses again', async () => {
    await using state = createMemoryState();
    const k = rand();
    await state.increment(k, 5);
    expect(await state.compareAndSwap(k, text('6'), text('100'))).toBe(false);
    expect(await state.compareAndSwap(k, text('5'), text('100'))).toBe(true);
    expect(await state.increment(k)).toBe(101);
    expect(await state.compareAndSwap(k, text('101'), text('x'))).toBe(true);
    await expect(state.increment(k)).rejects.toMatchObject({ code: 'ERR_STATE_NOT_A_COUNTER' });
    expect(await state.get(k)).toEqual(text('x'));
  });

  it('set, setMany and delete replace the kept number', async () => {
    await using state = createMemoryState();
    const [a, b, c] = [rand(), rand(), rand()];
    for (const k of [a, b, c]) await state.increment(k, 3);
    await state.set(a, text('10'));
    await state.setMany([{ key: b, value: text('-20') }]);
    await state.delete(c);
    expect(await state.increment(a)).toBe(11);
    expect(await state.increment(b)).toBe(-19);
    expect(await state.increment(c)).toBe(1);
    await state.set(a, text('not a number'));
    await expect(state.increment(a)).rejects.toMatchObject({ code: 'ERR_STATE_NOT_A_COUNTER' });
  });

  it('a failed increment leaves the counter and its bytes untouched', async () => {
    await using state = createMemoryState();
    const k = rand();
    await state.increment(k, Number.MAX_SAFE_INTEGER - 1);
    await expect(state.increment(k, 2)).rejects.toMatchObject({ code: 'ERR_STATE_OUT_OF_RANGE' });
    expect(await state.get(k)).toEqual(decimal(Number.MAX_SAFE_INTEGER - 1));
    expect(await state.increment(k, -Number.MAX_SAFE_INTEGER)).toBe(-1);
    expect(await state.get(k)).toEqual(text('-1'));
  });

  it('a counter keeps its expiry, and counts from 0 again once expired', async () => {
    await using state = createMemoryState();
    const k = rand();
    await state.increment(k, 1, { ttl: 60 });
    expect(await state.increment(k, 1, { ttl: 60_000 })).toBe(2);
    expect(await state.ttl(k)).toBeLessThanOrEqual(60);
    await sleep(120);
    expect(await state.get(k)).toBeUndefined();
    expect(await state.increment(k, 1, { ttl: 60_000 })).toBe(1);
    expect(await state.ttl(k)).toBeGreaterThan(1_000);
  });

  it('counters keep reading right after their chunk is compacted', async () => {
    const store = createMemoryStore({ sweepIntervalMs: 60_000 });
    await using state = createMemoryState({ store });
    const big = new Uint8Array(1000);
    const fillers = Array.from({ length: 200 }, (_, i) => `f${i}`);
    const counters = Array.from({ length: 100 }, (_, i) => `c${i}`);
    // Interleave counters with larger values, then drop the larger ones: the chunks holding
    // the counters fall below half full and the sweep moves them.
    for (let i = 0; i < 200; i++) {
      await state.set(fillers[i]!, big);
      if (i < 100) await state.increment(counters[i]!, i);
    }
    await state.deleteMany(fillers);
    for (let i = 0; i < 4; i++) store.sweep();
    for (let i = 0; i < 100; i++) expect(await state.increment(counters[i]!)).toBe(i + 1);
    expect(await state.getMany(counters)).toEqual(counters.map((_, i) => decimal(i + 1)));
  });

  it('an LRU-bounded namespace counts an increment as a use', async () => {
    await using state = createMemoryState({ maxEntries: 2 });
    const [a, b, c] = [rand(), rand(), rand()];
    await state.increment(a);
    await state.increment(b);
    await state.increment(a); // a is now the most recently used
    await state.increment(c); // evicts b
    expect(await state.getMany([a, b, c])).toEqual([text('2'), undefined, text('1')]);
  });
});
