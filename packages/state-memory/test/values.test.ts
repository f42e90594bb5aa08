import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryState, createMemoryStore } from '../src/index.js';
import { text } from './helpers.js';

const filled = (n: number, seed: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (seed + i * 31) & 255;
  return out;
};

/** Byte equality without vitest's per-index deep walk (too slow for 16 MiB). */
const same = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

describe('values: copied in and out', () => {
  it('mutating what was passed to set, setMany or compareAndSwap changes nothing stored', async () => {
    await using state = createMemoryState();
    const a = text('aaaa');
    const b = text('bbbb');
    const c = text('cccc');
    await state.set('a', a);
    await state.setMany([{ key: 'b', value: b }]);
    await state.compareAndSwap('c', undefined, c);
    a.fill(0);
    b.fill(0);
    c.fill(0);
    expect(await state.getMany(['a', 'b', 'c'])).toEqual([
      text('aaaa'),
      text('bbbb'),
      text('cccc'),
    ]);
  });

  it('mutating what get or getMany returned changes nothing stored, nor another read', async () => {
    await using state = createMemoryState();
    await state.set('k', text('value'));
    const first = (await state.get('k'))!;
    const second = (await state.get('k'))!;
    const [third] = await state.getMany(['k']);
    first.fill(1);
    third!.fill(2);
    expect(second).toEqual(text('value'));
    expect(await state.get('k')).toEqual(text('value'));
  });

  it('a Buffer view with an offset is stored by its own bytes only', async () => {
    await using state = createMemoryState();
    const pool = Buffer.from('xxhelloyy');
    await state.set('k', pool.subarray(2, 7));
    const got = (await state.get('k'))!;
    expect(got).toBeInstanceOf(Uint8Array);
    expect(got.byteLength).toBe(5);
    expect(Buffer.from(got).toString()).toBe('hello');
  });

  it('round-trips sizes across the chunk boundaries, including empty and 16 MiB', async () => {
    await using state = createMemoryState();
    const sizes = [
      0,
      1,
      7,
      8,
      9,
      100,
      4095,
      4096,
      4097,
      8192,
      65_535,
      65_536,
      70_000,
      16 * 1024 * 1024,
    ];
    for (const n of sizes) await state.set(`k${n}`, filled(n, n));
    for (const n of sizes) expect(same(await state.get(`k${n}`), filled(n, n))).toBe(true);
    const many = await state.getMany(sizes.map((n) => `k${n}`));
    for (const [i, n] of sizes.entries()) expect(same(many[i], filled(n, n))).toBe(true);
  });

  it('overwrites with other sizes and compaction keep every value intact', async () => {
    const store = createMemoryStore({ sweepIntervalMs: 600_000 });
    await using state = createMemoryState({ store });
    for (let i = 0; i < 5000; i++) await state.set(`k${i}`, filled(100, i));
    for (let i = 0; i < 5000; i++) if (i % 10 !== 0) await state.delete(`k${i}`);
    for (let i = 0; i < 5000; i += 20) await state.set(`k${i}`, filled(300, i + 1));
    for (let t = 0; t < 50; t++) store.sweep(); // compacts the sparse chunks
    for (let i = 0; i < 5000; i += 10) {
      expect(await state.get(`k${i}`)).toEqual(i % 20 === 0 ? filled(300, i + 1) : filled(100, i));
    }
  });

  it('random writes, deletes, expiries and compactions match a reference Map (fast-check)', async () => {
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('set' as const),
        key: fc.integer({ min: 0, max: 30 }),
        size: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 4000, max: 5000 })),
        seed: fc.nat(255),
      }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 30 }) }),
      fc.record({ kind: fc.constant('sweep' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 300 }), async (ops) => {
        const store = createMemoryStore({ sweepIntervalMs: 600_000 });
        const state = createMemoryState({ store });
        const model = new Map<string, Uint8Array>();
        for (const o of ops) {
          if (o.kind === 'set') {
            const v = filled(o.size, o.seed);
            await state.set(`k${o.key}`, v);
            model.set(`k${o.key}`, v);
          } else if (o.kind === 'delete') {
            expect(await state.delete(`k${o.key}`)).toBe(model.delete(`k${o.key}`));
          } else {
            store.sweep();
          }
        }
        const keys = [...model.keys()];
        expect(await state.getMany(keys)).toEqual(keys.map((k) => model.get(k)));
        expect(store.size).toBe(model.size);
        await state.close();
      }),
      { numRuns: 60 },
    );
  });
});
