import { describe, expect, it } from 'vitest';
import { bytes, type Harness, listKeys } from './harness.js';

/** clear(): removes the live keys of this namespace (optionally by prefix) and counts them. */
export function registerClear(h: Harness): void {
  describe('clear', () => {
    it('clear() on an empty namespace resolves 0', async () => {
      const m = await h.open();
      expect(await m.clear()).toBe(0);
    });

    it('clear() removes every key (plain, with ttl, counters) and resolves how many', async () => {
      const m = await h.open();
      await m.set('a', bytes('1'));
      await m.set('b', bytes('2'), { ttl: 60_000 });
      await m.increment('c');
      expect(await m.clear()).toBe(3);
      expect(await listKeys(m)).toEqual([]);
      expect(await m.getMany(['a', 'b', 'c'])).toEqual([undefined, undefined, undefined]);
      expect(await m.clear()).toBe(0);
      await m.set('a', bytes('again'));
      expect(await m.exists('a')).toBe(true);
    });

    it('clear({ prefix }) removes only keys starting with prefix', async () => {
      const m = await h.open();
      await m.setMany(
        ['user:1', 'user:2', 'users', 'session:1', 'use'].map((key) => ({
          key,
          value: bytes(key),
        })),
      );
      expect(await m.clear({ prefix: 'user:' })).toBe(2);
      expect(await listKeys(m)).toEqual(['session:1', 'use', 'users']);
      expect(await m.clear({ prefix: 'nothing' })).toBe(0);
      expect(await m.clear({})).toBe(3);
    });

    it('clear() of 2,000 keys removes and counts them all', { timeout: h.slowMs }, async () => {
      const m = await h.open();
      for (let c = 0; c < 4; c++) {
        await m.setMany(
          Array.from({ length: 500 }, (_, i) => ({ key: `k-${c}-${i}`, value: bytes('v') })),
        );
      }
      expect(await m.clear()).toBe(2000);
      expect(await listKeys(m)).toEqual([]);
    });
  });
}
