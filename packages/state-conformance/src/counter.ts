import { describe, expect, it } from 'vitest';
import { bytes, expectBytes, expectRejects, type Harness } from './harness.js';

const NON_CANONICAL = [
  '+1',
  ' 1',
  '1 ',
  '01',
  '-0',
  '00',
  '1e3',
  '1.0',
  '0x10',
  'abc',
  '',
  '--1',
  '١',
];
const BAD_DELTAS: readonly [string, unknown][] = [
  ['1.5', 1.5],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['2 ** 53', 2 ** 53],
  ['-(2 ** 53)', -(2 ** 53)],
  ['the string "1"', '1'],
  ['null', null],
  ['a bigint', 1n],
];

/** increment: ASCII decimal, defaults, canonical form, range, ttl on create only. */
export function registerCounter(h: Harness): void {
  describe('counters', () => {
    registerCounting(h);
    registerBadDeltas(h);
    registerNotACounter(h);
    registerOutOfRange(h);
    registerCounterTtl(h);
  });
}

/** Absent is 0, default delta, negative results, canonical decimals written with set. */
function registerCounting(h: Harness): void {
  it('an absent key counts as 0; delta defaults to 1; the value is stored as ASCII decimal', async () => {
    const m = await h.open();
    expect(await m.increment('c')).toBe(1);
    expectBytes(await m.get('c'), '1');
    expect(await m.increment('c', 41)).toBe(42);
    expectBytes(await m.get('c'), '42');
    expect(await m.increment('c', undefined)).toBe(43);
  });

  it('negative deltas and results work; delta 0 reads (and creates "0")', async () => {
    const m = await h.open();
    expect(await m.increment('c', -5)).toBe(-5);
    expectBytes(await m.get('c'), '-5');
    expect(await m.increment('c', 5)).toBe(0);
    expectBytes(await m.get('c'), '0');
    expect(await m.increment('z', 0)).toBe(0);
    expectBytes(await m.get('z'), '0');
  });

  it('a canonical decimal written with set counts', async () => {
    const m = await h.open();
    for (const [stored, next] of [
      ['10', 11],
      ['-7', -6],
      ['0', 1],
      ['9007199254740990', 9007199254740991],
    ] as const) {
      await m.set('c', bytes(stored));
      expect(await m.increment('c')).toBe(next);
      expectBytes(await m.get('c'), String(next));
    }
  });
}

/** Deltas that are not safe integers are rejected before anything changes. */
function registerBadDeltas(h: Harness): void {
  for (const [label, delta] of BAD_DELTAS) {
    it(`delta ${label} is ERR_STATE_INVALID_ARGUMENT and changes nothing`, async () => {
      const m = await h.open();
      await expectRejects(
        () => m.increment('fresh', delta as number),
        'ERR_STATE_INVALID_ARGUMENT',
        'fresh',
      );
      expect(await m.exists('fresh')).toBe(false);
      await m.set('c', bytes('5'));
      await expectRejects(
        () => m.increment('c', delta as number),
        'ERR_STATE_INVALID_ARGUMENT',
        'c',
      );
      expectBytes(await m.get('c'), '5');
    });
  }
}

/** A stored value that is not a canonical decimal is never a counter. */
function registerNotACounter(h: Harness): void {
  it(`a non-canonical stored value (${NON_CANONICAL.map((s) => JSON.stringify(s)).join(', ')}) is ERR_STATE_NOT_A_COUNTER, left untouched with its expiry`, async () => {
    const m = await h.open();
    for (const stored of NON_CANONICAL) {
      const k = h.key('nc');
      await m.set(k, bytes(stored), { ttl: 60_000 });
      await expectRejects(() => m.increment(k), 'ERR_STATE_NOT_A_COUNTER', k);
      await expectRejects(() => m.increment(k, -1, { ttl: 5 }), 'ERR_STATE_NOT_A_COUNTER', k);
      expectBytes(await m.get(k), stored);
      expect(await m.ttl(k)).toBeGreaterThan(30_000);
    }
    const bin = h.key('bin');
    await m.set(bin, Uint8Array.of(0x31, 0x00));
    await expectRejects(() => m.increment(bin), 'ERR_STATE_NOT_A_COUNTER', bin);
    await m.set(bin, Uint8Array.of(0xff, 0xfe));
    await expectRejects(() => m.increment(bin), 'ERR_STATE_NOT_A_COUNTER', bin);
    expectBytes(await m.get(bin), Uint8Array.of(0xff, 0xfe));
  });
}

/** Results and stored integers outside the safe-integer range. */
function registerOutOfRange(h: Harness): void {
  it('a result outside the safe-integer range is ERR_STATE_OUT_OF_RANGE and leaves the value untouched', async () => {
    const m = await h.open();
    const max = Number.MAX_SAFE_INTEGER;
    expect(await m.increment('hi', max)).toBe(max);
    await expectRejects(() => m.increment('hi'), 'ERR_STATE_OUT_OF_RANGE', 'hi');
    await expectRejects(() => m.increment('hi', max), 'ERR_STATE_OUT_OF_RANGE', 'hi');
    expectBytes(await m.get('hi'), String(max));
    expect(await m.increment('lo', -max)).toBe(-max);
    await expectRejects(() => m.increment('lo', -1), 'ERR_STATE_OUT_OF_RANGE', 'lo');
    expectBytes(await m.get('lo'), String(-max));
    await m.set('set', bytes(String(max)), { ttl: 60_000 });
    await expectRejects(() => m.increment('set', 2), 'ERR_STATE_OUT_OF_RANGE', 'set');
    expectBytes(await m.get('set'), String(max));
    expect(await m.ttl('set')).toBeGreaterThan(30_000);
  });

  it('a stored integer beyond the safe range (up to 40 characters) is ERR_STATE_OUT_OF_RANGE, left untouched', async () => {
    const m = await h.open();
    for (const v of ['9007199254740992', '12345678901234567', '-123456789012345678901234567890']) {
      const k = h.key('big');
      await m.set(k, bytes(v));
      await expectRejects(() => m.increment(k), 'ERR_STATE_OUT_OF_RANGE', k);
      await expectRejects(() => m.increment(k, -1), 'ERR_STATE_OUT_OF_RANGE', k);
      expectBytes(await m.get(k), v);
    }
  });
}

/** A ttl applies only when increment creates the key. */
function registerCounterTtl(h: Harness): void {
  it('ttl applies only when increment creates the key; an existing counter keeps its expiry', async () => {
    const m = await h.open();
    expect(await m.increment('c', 1, { ttl: 20_000 })).toBe(1);
    const first = await m.ttl('c');
    expect(first).toBeGreaterThan(10_000);
    expect(first).toBeLessThanOrEqual(20_000);
    expect(await m.increment('c', 1, { ttl: 600_000 })).toBe(2);
    expect(await m.ttl('c')).toBeLessThanOrEqual(20_000);
    expect(await m.increment('c', 1, { ttl: h.shortTtlMs })).toBe(3);
    expect(await m.increment('c')).toBe(4);
    expect(await m.ttl('c')).toBeGreaterThan(10_000);
  });

  it('a counter without expiry stays without one when incremented with a ttl', async () => {
    const m = await h.open();
    expect(await m.increment('c')).toBe(1);
    expect(await m.increment('c', 1, { ttl: h.shortTtlMs })).toBe(2);
    expect(await m.ttl('c')).toBeNull();
    await m.set('s', bytes('10'));
    expect(await m.increment('s', 1, { ttl: h.shortTtlMs })).toBe(11);
    expect(await m.ttl('s')).toBeNull();
  });
}
