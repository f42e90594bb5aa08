import { isStateError } from '@pforge/state-core';
import { describe, expect, it } from 'vitest';
import { createMemoryState, createMemoryStore } from '../src/index.js';
import { rand, sleep, text } from './helpers.js';

const keysOf = async (state: ReturnType<typeof createMemoryState>) => {
  const out: string[] = [];
  for await (const k of state.keys()) out.push(k);
  return out.sort();
};

describe('maxEntries (LRU)', () => {
  it('evicts the least recently written key first', async () => {
    await using state = createMemoryState({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c', 'd']) await state.set(k, text(k));
    expect(await keysOf(state)).toEqual(['b', 'c', 'd']);
    await state.set('e', text('e'));
    expect(await keysOf(state)).toEqual(['c', 'd', 'e']);
  });

  it('get and getMany refresh recency; exists does not', async () => {
    await using state = createMemoryState({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) await state.set(k, text(k));
    await state.get('a'); // order now b, c, a
    await state.set('d', text('d')); // evicts b
    expect(await keysOf(state)).toEqual(['a', 'c', 'd']);
    await state.getMany(['c']); // order a, d, c
    await state.exists('a'); // no refresh
    await state.set('e', text('e')); // evicts a
    expect(await keysOf(state)).toEqual(['c', 'd', 'e']);
  });

  it('overwriting, increment and compare-and-swap refresh recency', async () => {
    await using state = createMemoryState({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) await state.set(k, text('1'));
    await state.set('a', text('2')); // b, c, a
    await state.increment('b'); // c, a, b
    await state.set('d', text('d')); // evicts c
    expect(await keysOf(state)).toEqual(['a', 'b', 'd']);
    await state.compareAndSwap('a', text('2'), text('3')); // b, d, a
    await state.set('e', text('e')); // evicts b
    expect(await keysOf(state)).toEqual(['a', 'd', 'e']);
  });

  it('a setMany larger than the limit keeps its last entries', async () => {
    await using state = createMemoryState({ maxEntries: 2 });
    await state.setMany(['a', 'b', 'c', 'd'].map((key) => ({ key, value: text(key) })));
    expect(await keysOf(state)).toEqual(['c', 'd']);
    expect(await state.get('d')).toEqual(text('d'));
  });

  it('evicting a key with a TTL also takes it out of the expiry index', async () => {
    const store = createMemoryStore({ sweepIntervalMs: 10 });
    await using state = createMemoryState({ store, maxEntries: 100 });
    for (let i = 0; i < 1000; i++) await state.set(`k${i}`, text('v'), { ttl: 60_000 });
    expect(store.size).toBe(100);
    expect(store.sweep()).toBe(0);
    expect(await state.get('k999')).toEqual(text('v'));
    expect(await state.get('k0')).toBeUndefined();
  });

  it('the limit is per namespace: another namespace on the same store is not evicted', async () => {
    const store = createMemoryStore();
    await using small = createMemoryState({ store, namespace: rand('small'), maxEntries: 2 });
    await using big = createMemoryState({ store, namespace: rand('big') });
    for (let i = 0; i < 10; i++) await big.set(`k${i}`, text('v'));
    for (let i = 0; i < 10; i++) await small.set(`k${i}`, text('v'));
    expect((await keysOf(big)).length).toBe(10);
    expect((await keysOf(small)).length).toBe(2);
  });

  it('managers open on one namespace must agree on the limit', async () => {
    const store = createMemoryStore();
    const namespace = rand('ns');
    await using first = createMemoryState({ store, namespace, maxEntries: 5 });
    let caught: unknown;
    try {
      createMemoryState({ store, namespace, maxEntries: 6 });
    } catch (err) {
      caught = err;
    }
    expect(isStateError(caught, 'ERR_STATE_CONFIG')).toBe(true);
    expect((caught as Error).message).toContain('maxEntries');
    await using same = createMemoryState({ store, namespace, maxEntries: 5 });
    expect(first).not.toBe(same);
  });

  it('a later manager with a smaller limit evicts down to it on open', async () => {
    const store = createMemoryStore();
    const namespace = rand('ns');
    const first = createMemoryState({ store, namespace });
    for (let i = 0; i < 10; i++) await first.set(`k${i}`, text('v'));
    await first.close();
    await using second = createMemoryState({ store, namespace, maxEntries: 4 });
    expect(await keysOf(second)).toEqual(['k6', 'k7', 'k8', 'k9']);
  });

  it('keys() yields each key once while reads reorder the namespace', async () => {
    await using state = createMemoryState({ maxEntries: 1000 });
    for (let i = 0; i < 100; i++) await state.set(`k${i}`, text('v'));
    const seen: string[] = [];
    for await (const k of state.keys()) {
      seen.push(k);
      await state.get(k); // moves k behind the cursor
      await state.get(`k${(Number(k.slice(1)) + 50) % 100}`); // moves a key not yet seen
    }
    expect(seen.length).toBe(100);
    expect(new Set(seen).size).toBe(100);
  });

  it('evicts an expired key before a live one, even when the live one is older (issue 9 §5)', async () => {
    const store = createMemoryStore({ sweepIntervalMs: 600_000 }); // no background sweep
    await using state = createMemoryState({ store, maxEntries: 3 });
    await state.set('old-live', text('1'));
    await state.set('short', text('2'), { ttl: 30 });
    await state.set('young-live', text('3'));
    await sleep(80); // `short` has expired; nothing has reclaimed it yet
    expect(store.size).toBe(3);
    await state.set('new', text('4'));
    expect(await keysOf(state)).toEqual(['new', 'old-live', 'young-live']);
    expect(store.size).toBe(3);
  });

  it('a key whose expiry was pushed later is live, so the least recently used goes', async () => {
    const store = createMemoryStore({ sweepIntervalMs: 600_000 });
    await using state = createMemoryState({ store, maxEntries: 2 });
    await state.set('lru', text('1'));
    await state.set('extended', text('2'), { ttl: 30 });
    await state.expire('extended', 60_000); // still filed under its first expiry
    await sleep(80);
    await state.set('new', text('3'));
    expect(await keysOf(state)).toEqual(['extended', 'new']);
  });

  it('a later manager with a smaller limit evicts expired keys first too', async () => {
    const store = createMemoryStore({ sweepIntervalMs: 600_000 });
    const namespace = rand('ns');
    const first = createMemoryState({ store, namespace });
    for (let i = 0; i < 4; i++) await first.set(`live${i}`, text('v'));
    for (let i = 0; i < 4; i++) await first.set(`dead${i}`, text('v'), { ttl: 20 });
    await first.close();
    await sleep(60);
    await using second = createMemoryState({ store, namespace, maxEntries: 4 });
    expect(await keysOf(second)).toEqual(['live0', 'live1', 'live2', 'live3']);
    expect(store.size).toBe(4);
  });
});
