import { describe, expect, it } from 'vitest';
import { createMemoryState, createMemoryStore, MAX_SWEEP_PER_TICK } from '../src/index.js';
import { rand, sleep, text, waitFor } from './helpers.js';

const COUNT = 120_000;

async function fillExpiring(
  state: ReturnType<typeof createMemoryState>,
  count: number,
  ttl: number,
) {
  const value = text('v');
  for (let i = 0; i < count; i += 1000) {
    const entries = [];
    for (let j = i; j < Math.min(count, i + 1000); j++) entries.push({ key: `k${j}`, value, ttl });
    await state.setMany(entries);
  }
}

describe('background sweep', () => {
  it(`reclaims ${COUNT.toLocaleString('en-US')} expired keys in ticks of at most MAX_SWEEP_PER_TICK`, async () => {
    // A long interval keeps the timer out of the way: this test drives the ticks itself.
    const store = createMemoryStore({ sweepIntervalMs: 600_000 });
    await using state = createMemoryState({ store, namespace: rand('ns') });
    await fillExpiring(state, COUNT, 1);
    await state.set('keep', text('kept'));
    expect(store.size).toBe(COUNT + 1);
    const removedPerTick: number[] = [];
    const deadline = Date.now() + 15_000;
    while (store.size > 1 && Date.now() < deadline) {
      const before = store.size;
      const removed = store.sweep();
      expect(store.size).toBe(before - removed);
      if (removed > 0) removedPerTick.push(removed);
      else await sleep(50); // the keys' expiry grain has not passed yet
    }
    expect(store.size).toBe(1);
    expect(Math.max(...removedPerTick)).toBe(MAX_SWEEP_PER_TICK);
    expect(removedPerTick.length).toBeGreaterThanOrEqual(Math.ceil(COUNT / MAX_SWEEP_PER_TICK));
    expect(await state.get('keep')).toEqual(text('kept'));
  });

  it('the background timer drains a backlog over several ticks', async () => {
    const store = createMemoryStore({ sweepIntervalMs: 20 });
    await using state = createMemoryState({ store, namespace: rand('ns') });
    await fillExpiring(state, 100_000, 1);
    const sizes = new Set<number>();
    const drained = await waitFor(
      () => {
        sizes.add(store.size);
        return store.size === 0;
      },
      15_000,
      0,
    );
    expect(drained).toBe(true);
    // Seen part-way: the backlog went in slices, not in one full scan.
    expect([...sizes].some((n) => n > 0 && n < 100_000)).toBe(true);
  });

  it('keeps a key whose expiry was pushed later, and reclaims one whose expiry was brought earlier', async () => {
    const store = createMemoryStore({ sweepIntervalMs: 20 });
    await using state = createMemoryState({ store, namespace: rand('ns') });
    await state.set('later', text('a'), { ttl: 30 });
    await state.expire('later', 60_000);
    await state.set('sooner', text('b'), { ttl: 60_000 });
    await state.set('sooner', text('b'), { ttl: 30 });
    await state.set('cleared', text('c'), { ttl: 30 });
    await state.set('cleared', text('c'));
    expect(await waitFor(() => store.size === 2, 5_000)).toBe(true);
    await sleep(1_200); // past the first key's original grain: it is re-filed, not dropped
    expect(store.size).toBe(2);
    expect(await state.get('later')).toEqual(text('a'));
    expect(await state.get('cleared')).toEqual(text('c'));
    expect(await state.ttl('cleared')).toBeNull();
    expect(await state.exists('sooner')).toBe(false);
  });

  it('reclaims keys whose expiry a counter or compare-and-swap set', async () => {
    const store = createMemoryStore({ sweepIntervalMs: 20 });
    await using state = createMemoryState({ store, namespace: rand('ns') });
    await state.increment('n', 1, { ttl: 20 });
    await state.compareAndSwap('c', undefined, text('x'), { ttl: 20 });
    expect(store.size).toBe(2);
    expect(await waitFor(() => store.size === 0, 5_000)).toBe(true);
  });
});
