import { describe, expect, it } from 'vitest';
import { bytes, expectBytes, type Harness, listKeys } from './harness.js';

/** Pairs (namespace suffix, key) whose naive concatenations collide. */
const COLLIDING: readonly [string, string][] = [
  ['a', 'b:c'],
  ['a:b', 'c'],
  ['a:', 'c'],
  ['a\\', 'b'],
  ['a\\:', 'b'],
  ['a\\:b', 'c'],
  ['a::', 'c'],
  ['b', ':c:d'],
  ['b:', 'c:d'],
  ['b::c', 'd'],
  ['c\\', ':d'],
  ['c\\:', 'd'],
  ['c', '\\:d'],
  ['d*', 'x'],
  ['dx', 'x'],
  ['d?', 'x'],
  ['d[x]', 'x'],
  ['d{t}', 'x'],
  ['d\\*', 'x'],
];

/** Namespace isolation: keys, keys(), clear() never cross namespaces. */
export function registerNamespace(h: Harness): void {
  describe('namespaces', () => {
    registerNamespaceIsolation(h);
    registerNamespaceCollisions(h);
  });
}

/** The same key in two namespaces; keys() and clear() per namespace. */
function registerNamespaceIsolation(h: Harness): void {
  it('two namespaces with the same key never see each other (get, exists, delete, ttl, getMany)', async () => {
    const a = await h.open(h.namespace('-a'));
    const b = await h.open(h.namespace('-b'));
    await a.set('k', bytes('from-a'), { ttl: 60_000 });
    await b.set('k', bytes('from-b'));
    expectBytes(await a.get('k'), 'from-a');
    expectBytes(await b.get('k'), 'from-b');
    expect(await b.ttl('k')).toBeNull();
    await a.set('only-a', bytes('1'));
    expect(await b.exists('only-a')).toBe(false);
    expect(await b.delete('only-a')).toBe(false);
    expect((await b.getMany(['only-a']))[0]).toBeUndefined();
    expect(await b.increment('only-a')).toBe(1);
    expectBytes(await a.get('only-a'), '1');
    expect(await a.delete('k')).toBe(true);
    expectBytes(await b.get('k'), 'from-b');
  });

  it('keys() and clear() stay inside their namespace', async () => {
    const a = await h.open(h.namespace('-a'));
    const b = await h.open(h.namespace('-b'));
    await a.setMany([
      { key: 'x', value: bytes('1') },
      { key: 'y', value: bytes('2') },
    ]);
    await b.setMany([
      { key: 'x', value: bytes('3') },
      { key: 'z', value: bytes('4') },
    ]);
    expect(await listKeys(a)).toEqual(['x', 'y']);
    expect(await listKeys(b)).toEqual(['x', 'z']);
    expect(await a.clear()).toBe(2);
    expect(await listKeys(a)).toEqual([]);
    expect(await listKeys(b)).toEqual(['x', 'z']);
    expect(await b.clear({ prefix: 'x' })).toBe(1);
    expect(await listKeys(b)).toEqual(['z']);
  });
}

/** Namespace and key strings whose naive concatenations collide stay apart. */
function registerNamespaceCollisions(h: Harness): void {
  it('namespace and key strings never combine into another namespace\'s key (a + "b:c" vs a:b + "c", backslashes, glob characters)', async () => {
    const base = h.namespace('-');
    const managers = await Promise.all(COLLIDING.map(([ns]) => h.open(base + ns)));
    await Promise.all(managers.map((m, i) => m.set(COLLIDING[i]![1], bytes(`${i}`))));
    for (const [i, m] of managers.entries()) {
      const [ns, key] = COLLIDING[i]!;
      expect(await listKeys(m), `keys() of namespace ${JSON.stringify(ns)}`).toEqual([key]);
      expect(
        await listKeys(m, key.slice(0, 1)),
        `keys({prefix}) of namespace ${JSON.stringify(ns)}`,
      ).toEqual([key]);
      expectBytes(await m.get(key), `${i}`);
      for (const [j, [, other]] of COLLIDING.entries()) {
        if (other !== key)
          expect(
            await m.exists(other),
            `${JSON.stringify(ns)} sees key ${JSON.stringify(other)} of #${j}`,
          ).toBe(false);
      }
    }
    for (const [i, m] of managers.entries()) {
      expect(await m.clear(), `clear() of namespace ${JSON.stringify(COLLIDING[i]![0])}`).toBe(1);
      for (const [j, other] of managers.entries()) {
        if (j > i) expect(await listKeys(other)).toEqual([COLLIDING[j]![1]]);
      }
    }
  });
}
