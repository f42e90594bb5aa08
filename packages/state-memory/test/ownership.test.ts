import { describe, expect, it } from 'vitest';
import { createMemoryState } from '../src/index.js';
import { text } from './helpers.js';

/** A returned value owns its whole buffer: an exact-size copy at offset 0. */
const ownsItsBuffer = (v: Uint8Array | undefined): boolean =>
  v !== undefined && v.byteOffset === 0 && v.buffer.byteLength === v.byteLength;

const transfer = (v: Uint8Array): void => {
  structuredClone(v, { transfer: [v.buffer as ArrayBuffer] });
};

const SIZES = [0, 1, 5, 100, 4095, 4096, 4097, 70_000];
const filled = (n: number, seed: number) => new Uint8Array(n).map((_, i) => (seed + i) & 255);

describe('a returned value belongs to the caller (issue 9 §1)', () => {
  it('get, getMany and a counter read hand out exact-size copies that own their buffer', async () => {
    await using state = createMemoryState();
    for (const n of SIZES) await state.set(`k${n}`, filled(n, n));
    await state.increment('count', 42);
    for (const n of SIZES) expect(ownsItsBuffer(await state.get(`k${n}`))).toBe(true);
    const many = await state.getMany([...SIZES.map((n) => `k${n}`), 'count']);
    for (const v of many) expect(ownsItsBuffer(v)).toBe(true);
    expect(ownsItsBuffer(await state.get('count'))).toBe(true);
  });

  it('writing through a returned value’s buffer changes no other value, returned or stored', async () => {
    await using state = createMemoryState();
    await state.setMany([
      { key: 'a', value: text('alpha') },
      { key: 'b', value: text('bravo') },
      { key: 'c', value: text('charlie') },
    ]);
    const a = (await state.get('a'))!;
    const [b, c] = await state.getMany(['b', 'c']);
    new Uint8Array(a.buffer).fill(33); // '!'
    new Uint8Array(b!.buffer).fill(33);
    expect(c).toEqual(text('charlie'));
    expect(await state.getMany(['a', 'b', 'c'])).toEqual([
      text('alpha'),
      text('bravo'),
      text('charlie'),
    ]);
  });

  it('transferring a returned value detaches only it; later reads keep working', async () => {
    await using state = createMemoryState();
    const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
    await state.setMany(keys.map((key, i) => ({ key, value: filled(64, i) })));
    const kept = (await state.get('k1'))!;
    const [first, second] = await state.getMany(['k0', 'k2']);
    transfer((await state.get('k0'))!);
    transfer(first!);
    expect(first!.byteLength).toBe(0); // detached, as transfer does
    expect(kept).toEqual(filled(64, 1));
    expect(second).toEqual(filled(64, 2));
    for (let round = 0; round < 5; round++) {
      for (const [i, key] of keys.entries()) expect(await state.get(key)).toEqual(filled(64, i));
      const all = await state.getMany(keys);
      expect(all).toEqual(keys.map((_, i) => filled(64, i)));
      transfer(all[round]!);
    }
  });
});

describe('methods work detached (issue 9 §6)', () => {
  it('passes state.get to map, and destructures keys, set and increment', async () => {
    const state = createMemoryState();
    try {
      const { set, keys, increment, getMany } = state;
      await set('a', text('1'));
      await set('b', text('2'));
      expect(await Promise.all(['a', 'b'].map(state.get))).toEqual([text('1'), text('2')]);
      expect(await increment('n')).toBe(1);
      expect(await getMany(['a', 'n'])).toEqual([text('1'), text('1')]);
      const seen: string[] = [];
      for await (const k of keys()) seen.push(k);
      expect(seen.sort()).toEqual(['a', 'b', 'n']);
    } finally {
      await state.close();
    }
  });
});

describe('invalid input is rejected before anything is written (issue 9 §3)', () => {
  it('setMany with one detached value writes nothing and rejects ERR_STATE_INVALID_VALUE', async () => {
    await using state = createMemoryState();
    const detached = text('gone');
    transfer(detached);
    const batch = [
      { key: 'ok', value: text('fine') },
      { key: 'bad', value: detached },
    ];
    await expect(state.setMany(batch)).rejects.toMatchObject({ code: 'ERR_STATE_INVALID_VALUE' });
    await expect(state.set('bad', detached)).rejects.toMatchObject({
      code: 'ERR_STATE_INVALID_VALUE',
    });
    expect(await state.getMany(['ok', 'bad'])).toEqual([undefined, undefined]);
  });
});
