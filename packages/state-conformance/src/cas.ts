import { describe, expect, it } from 'vitest';
import { bytes, expectBytes, type Harness } from './harness.js';

/** compareAndSwap: byte-for-byte, undefined = absent / delete, ttl, false changes nothing. */
export function registerCas(h: Harness): void {
  describe('compareAndSwap', () => {
    registerCasMatching(h);
    registerCasWrites(h);
  });
}

/** Which expected values match: undefined = absent, byte-for-byte equality. */
function registerCasMatching(h: Harness): void {
  it('expected undefined matches an absent key and stores next', async () => {
    const m = await h.open();
    expect(await m.compareAndSwap('a', undefined, bytes('new'))).toBe(true);
    expectBytes(await m.get('a'), 'new');
    expect(await m.ttl('a')).toBeNull();
  });

  it('expected undefined does not match a present key (even an empty value)', async () => {
    const m = await h.open();
    await m.set('a', bytes('x'));
    expect(await m.compareAndSwap('a', undefined, bytes('new'))).toBe(false);
    expectBytes(await m.get('a'), 'x');
    await m.set('e', new Uint8Array(0));
    expect(await m.compareAndSwap('e', undefined, bytes('new'))).toBe(false);
    expectBytes(await m.get('e'), '');
  });

  it('an equal expected value swaps, compared byte for byte (a Buffer equals a Uint8Array)', async () => {
    const m = await h.open();
    await m.set('a', Uint8Array.of(0, 1, 2, 255));
    expect(await m.compareAndSwap('a', Buffer.from([0, 1, 2, 255]), bytes('next'))).toBe(true);
    expectBytes(await m.get('a'), 'next');
    await m.set('e', new Uint8Array(0));
    expect(await m.compareAndSwap('e', new Uint8Array(0), bytes('filled'))).toBe(true);
    expectBytes(await m.get('e'), 'filled');
  });

  it('a different expected value (one byte, shorter, longer, empty) changes nothing', async () => {
    const m = await h.open();
    await m.set('a', bytes('value'), { ttl: 60_000 });
    for (const other of ['valuf', 'valu', 'value!', '', 'VALUE']) {
      expect(await m.compareAndSwap('a', bytes(other), bytes('next'))).toBe(false);
    }
    expect(await m.compareAndSwap('a', bytes('valuf'), undefined)).toBe(false);
    expectBytes(await m.get('a'), 'value');
    expect(await m.ttl('a')).toBeGreaterThan(30_000);
    expect(await m.compareAndSwap('absent', bytes(''), bytes('next'))).toBe(false);
    expect(await m.compareAndSwap('absent', bytes('x'), bytes('next'))).toBe(false);
    expect(await m.exists('absent')).toBe(false);
  });
}

/** What a successful swap writes: next undefined deletes, options.ttl applies to next. */
function registerCasWrites(h: Harness): void {
  it('next undefined deletes the key', async () => {
    const m = await h.open();
    await m.set('a', bytes('x'));
    expect(await m.compareAndSwap('a', bytes('x'), undefined)).toBe(true);
    expect(await m.exists('a')).toBe(false);
    expect(await m.compareAndSwap('absent', undefined, undefined)).toBe(true);
    expect(await m.exists('absent')).toBe(false);
  });

  it('options.ttl applies to next; without it next has no expiry', async () => {
    const m = await h.open();
    expect(await m.compareAndSwap('a', undefined, bytes('1'), { ttl: 20_000 })).toBe(true);
    const left = await m.ttl('a');
    expect(left).toBeGreaterThan(10_000);
    expect(left).toBeLessThanOrEqual(20_000);
    expect(await m.compareAndSwap('a', bytes('1'), bytes('2'))).toBe(true);
    expect(await m.ttl('a')).toBeNull();
    expect(await m.compareAndSwap('a', bytes('2'), bytes('3'), { ttl: h.shortTtlMs })).toBe(true);
    expectBytes(await m.get('a'), '3');
    await new Promise((r) => setTimeout(r, h.shortTtlMs + h.slackMs));
    expect(await m.get('a')).toBeUndefined();
  });
}
