import { MAX_VALUE_BYTES, type StateManager } from '@pforge/state-core';
import { describe, expect, it } from 'vitest';
import { bytes, expectBytes, expectRejects, type Harness, hex, listKeys } from './harness.js';

const INVALID_VALUES: readonly [string, unknown][] = [
  ['a string', 'text'],
  ['a number', 42],
  ['null', null],
  ['undefined', undefined],
  ['an ArrayBuffer', new ArrayBuffer(4)],
  ['a DataView', new DataView(new ArrayBuffer(4))],
  ['a Uint16Array', new Uint16Array(2)],
  ['an Int8Array', new Int8Array(2)],
  ['a Uint8ClampedArray', new Uint8ClampedArray(2)],
  ['a Float32Array', new Float32Array(1)],
  ['an array of numbers', [1, 2, 3]],
  ['a plain object', { 0: 1, length: 1 }],
  ['a boolean', true],
];

/** Value rules: any Uint8Array up to MAX_VALUE_BYTES, nothing else, never aliased. */
export function registerValues(h: Harness): void {
  describe('values', () => {
    registerValueShapes(h);
    registerValueSizeLimit(h);
    registerInvalidValues(h);
    registerSingleAliasing(h);
    registerSetManyAliasing(h);
    registerCasAliasing(h);
  });
}

/** Empty values, every byte value, Buffers and views. */
function registerValueShapes(h: Harness): void {
  it('an empty value is stored and read back as an empty Uint8Array (not absent)', async () => {
    const m = await h.open();
    const k = h.key();
    await m.set(k, new Uint8Array(0));
    const got = await m.get(k);
    expect(got).toBeInstanceOf(Uint8Array);
    expect(got?.byteLength).toBe(0);
    expect(await m.exists(k)).toBe(true);
    expect((await m.getMany([k]))[0]?.byteLength).toBe(0);
  });

  it('every byte value 0..255 round-trips exactly', async () => {
    const m = await h.open();
    const k = h.key();
    const all = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256);
    await m.set(k, all);
    expectBytes(await m.get(k), all);
  });

  it('a Buffer is accepted, including a pooled Buffer and a subarray view', async () => {
    const m = await h.open();
    const pooled = Buffer.from('pooled'); // shares a larger pool: byteOffset != 0
    await m.set('buf', pooled);
    expectBytes(await m.get('buf'), 'pooled');
    const big = bytes('0123456789');
    await m.set('view', big.subarray(3, 6));
    expectBytes(await m.get('view'), '345');
  });
}

/** MAX_VALUE_BYTES is accepted, one byte more is not. */
function registerValueSizeLimit(h: Harness): void {
  it(`a value of MAX_VALUE_BYTES (${MAX_VALUE_BYTES}) is accepted; one byte more is ERR_STATE_INVALID_VALUE and writes nothing`, {
    timeout: h.slowMs,
  }, async () => {
    const m = await h.open();
    const k = h.key();
    const max = new Uint8Array(MAX_VALUE_BYTES);
    max[0] = 1;
    max[MAX_VALUE_BYTES - 1] = 2;
    await m.set(k, max);
    const got = await m.get(k);
    expect(got?.byteLength).toBe(MAX_VALUE_BYTES);
    expect(Buffer.from(got!).equals(max)).toBe(true);
    const over = new Uint8Array(MAX_VALUE_BYTES + 1);
    const k2 = h.key();
    await expectRejects(() => m.set(k2, over), 'ERR_STATE_INVALID_VALUE', k2);
    await expectRejects(() => m.set(k, over), 'ERR_STATE_INVALID_VALUE', k);
    expect(await m.exists(k2)).toBe(false);
    expect((await m.get(k))?.byteLength).toBe(MAX_VALUE_BYTES);
  });
}

/** Anything but a live Uint8Array is rejected by every writing method. */
function registerInvalidValues(h: Harness): void {
  for (const [label, value] of INVALID_VALUES) {
    it(`${label} as a value is ERR_STATE_INVALID_VALUE for set, setMany and compareAndSwap, writing nothing`, async () => {
      const m = await h.open();
      const k = h.key();
      const bad = value as Uint8Array;
      await expectRejects(() => m.set(k, bad), 'ERR_STATE_INVALID_VALUE', k);
      await expectRejects(() => m.setMany([{ key: k, value: bad }]), 'ERR_STATE_INVALID_VALUE');
      if (value !== undefined) {
        await expectRejects(() => m.compareAndSwap(k, undefined, bad), 'ERR_STATE_INVALID_VALUE');
        await expectRejects(() => m.compareAndSwap(k, bad, bytes('x')), 'ERR_STATE_INVALID_VALUE');
      }
      expect(await listKeys(m)).toEqual([]);
    });
  }
  it('a view of a detached buffer (transferred to a worker) is ERR_STATE_INVALID_VALUE, writing nothing', async () => {
    const m = await h.open();
    const detached = bytes('gone');
    structuredClone(detached.buffer, { transfer: [detached.buffer as ArrayBuffer] });
    await expectRejects(() => m.set('d', detached), 'ERR_STATE_INVALID_VALUE', 'd');
    await expectRejects(
      () =>
        m.setMany([
          { key: 'ok', value: bytes('fine') },
          { key: 'd', value: detached },
        ]),
      'ERR_STATE_INVALID_VALUE',
    );
    await expectRejects(
      () => m.compareAndSwap('d', undefined, detached),
      'ERR_STATE_INVALID_VALUE',
    );
    await expectRejects(
      () => m.compareAndSwap('d', detached, bytes('x')),
      'ERR_STATE_INVALID_VALUE',
    );
    expect(await listKeys(m)).toEqual([]);
  });
}

/** Overwrites every byte of `b` (with "X"). */
const flip = (b: Uint8Array) => b.fill(0x58);
/** Expects `k` to hold `want`. */
const check = async (m: StateManager, k: string, want: string) => expectBytes(await m.get(k), want);

/** set, get and getMany copy what they take and what they return. */
function registerSingleAliasing(h: Harness): void {
  it('set: mutating the input after the call (even before it resolves) changes nothing stored', async () => {
    const m = await h.open();
    const v = bytes('original');
    const p = m.set('a', v);
    flip(v);
    await p;
    await check(m, 'a', 'original');
    const w = Buffer.from('second');
    await m.set('b', w);
    flip(w);
    await check(m, 'b', 'second');
  });

  it('get: mutating a returned value changes nothing stored, and each read is a fresh copy', async () => {
    const m = await h.open();
    await m.set('a', bytes('stored'));
    const first = await m.get('a');
    flip(first!);
    await check(m, 'a', 'stored');
    const second = await m.get('a');
    const third = await m.get('a');
    expect(second).not.toBe(third);
    flip(second!);
    expectBytes(third, 'stored');
  });

  it('getMany: mutating returned values changes nothing stored (duplicates are separate copies)', async () => {
    const m = await h.open();
    await m.set('a', bytes('stored'));
    const [x, y] = await m.getMany(['a', 'a']);
    flip(x!);
    expectBytes(y, 'stored');
    await check(m, 'a', 'stored');
  });
}

/** setMany copies its entries array, its entries and their values. */
function registerSetManyAliasing(h: Harness): void {
  it('setMany: mutating entry values after the call changes nothing stored', async () => {
    const m = await h.open();
    const v1 = bytes('one');
    const v2 = Buffer.from('two');
    const p = m.setMany([
      { key: 'a', value: v1 },
      { key: 'b', value: v2, ttl: 60_000 },
    ]);
    flip(v1);
    flip(v2);
    await p;
    await check(m, 'a', 'one');
    await check(m, 'b', 'two');
  });

  it('setMany: changing the entries array or its entries after the call changes nothing stored', async () => {
    const m = await h.open();
    const entries: { key: string; value: Uint8Array; ttl?: number }[] = [
      { key: 'a', value: bytes('one') },
      { key: 'b', value: bytes('two'), ttl: 60_000 },
    ];
    const p = m.setMany(entries);
    entries[0] = { key: 'a', value: bytes('XXX') };
    entries[1]!.key = 'z';
    entries[1]!.value = bytes('YYY');
    delete entries[1]!.ttl;
    entries.push({ key: 'c', value: bytes('new') });
    await p;
    await check(m, 'a', 'one');
    await check(m, 'b', 'two');
    expect(await m.ttl('b')).toBeGreaterThan(0);
    expect(await m.exists('z')).toBe(false);
    expect(await m.exists('c')).toBe(false);
  });
}

/** compareAndSwap copies expected and next. */
function registerCasAliasing(h: Harness): void {
  it('compareAndSwap: mutating expected and next after the call changes nothing', async () => {
    const m = await h.open();
    await m.set('a', bytes('old'));
    const expected = bytes('old');
    const next = bytes('new');
    const p = m.compareAndSwap('a', expected, next);
    flip(expected);
    flip(next);
    expect(await p).toBe(true);
    await check(m, 'a', 'new');
    const next2 = bytes('created');
    expect(await m.compareAndSwap('b', undefined, next2)).toBe(true);
    flip(next2);
    await check(m, 'b', 'created');
    expect(hex(await m.get('b'))).not.toBe(hex(next2));
  });
}
