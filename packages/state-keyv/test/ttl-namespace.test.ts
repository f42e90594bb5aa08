import Keyv from 'keyv';
import { expect, it } from 'vitest';
import { createKeyvAdapter } from '../src/index.js';
import { allTargets, forEachTarget, sleep, uniqueNamespace } from './targets.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

forEachTarget(allTargets(), (h) => {
  it('passes the ttl to the manager: state.ttl() counts it down, a set without one clears it', async () => {
    const state = await h.open();
    const keyv = new Keyv({ store: createKeyvAdapter(state) });
    await keyv.set('a', 'x', 60_000);
    const left = await state.ttl('keyv:a');
    expect(left).toBeGreaterThan(30_000);
    expect(left).toBeLessThanOrEqual(60_000);
    await keyv.set('b', 'y');
    expect(await state.ttl('keyv:b')).toBeNull();
    await keyv.set('a', 'x2');
    expect(await state.ttl('keyv:a')).toBeNull();
    const withDefault = new Keyv({ store: createKeyvAdapter(state), namespace: 'd', ttl: 30_000 });
    await withDefault.set('c', 1);
    expect(await state.ttl('d:c')).toBeGreaterThan(10_000);
  });

  it('stores exactly what Keyv hands over (no expiry of its own in the value)', async () => {
    const state = await h.open();
    const adapter = createKeyvAdapter(state);
    await adapter.set('raw', 'hello', 10_000);
    expect(await state.get('raw')).toEqual(utf8('hello'));
    expect(await state.ttl('raw')).toBeGreaterThan(1_000);
    const keyv = new Keyv({ store: createKeyvAdapter(state) });
    await keyv.set('k', { a: 1 }, 10_000);
    const stored = JSON.parse(new TextDecoder().decode(await state.get('keyv:k')));
    expect(Object.keys(stored).sort()).toEqual(['expires', 'value']); // Keyv's own envelope
  });

  it('lets the backend expire the key: gone from the manager, not only hidden by Keyv', async () => {
    const state = await h.open();
    const keyv = new Keyv({ store: createKeyvAdapter(state) });
    await keyv.set('short', 'v', 150);
    expect(await state.exists('keyv:short')).toBe(true);
    for (let i = 0; i < 50 && (await state.exists('keyv:short')); i++) await sleep(100);
    expect(await state.exists('keyv:short')).toBe(false);
    expect(await keyv.get('short')).toBeUndefined();
  });

  it('keeps Keyv namespaces apart on one manager, and clear() inside its own', async () => {
    const state = await h.open();
    const a = new Keyv({ store: createKeyvAdapter(state), namespace: 'a' });
    const b = new Keyv({ store: createKeyvAdapter(state), namespace: 'b' });
    await a.set('k', 'from a');
    await b.set('k', 'from b');
    const bytes = utf8('not keyv');
    await state.setMany([
      { key: 'plain', value: bytes },
      { key: 'ab:k', value: bytes },
      { key: 'a', value: bytes },
    ]);
    await a.clear();
    expect(await a.get('k')).toBeUndefined();
    expect(await b.get('k')).toBe('from b');
    for (const key of ['plain', 'ab:k', 'a']) expect(await state.get(key)).toEqual(bytes);
  });

  it('without a Keyv namespace, clear() empties the manager namespace and no other', async () => {
    const ns = uniqueNamespace();
    const [one, other] = [await h.open(ns), await h.open(uniqueNamespace())];
    const keyv = new Keyv({ store: createKeyvAdapter(one), namespace: undefined });
    const neighbour = new Keyv({ store: createKeyvAdapter(other), namespace: undefined });
    await keyv.set('x', 1);
    await neighbour.set('x', 2);
    await one.set('raw', utf8('r'));
    expect(await keyv.get('x')).toBe(1);
    expect(await neighbour.get('x')).toBe(2);
    await keyv.clear();
    expect(await one.exists('raw')).toBe(false);
    expect(await keyv.get('x')).toBeUndefined();
    expect(await neighbour.get('x')).toBe(2);
    const again = await h.open(ns); // a second manager on the same namespace sees the same keys
    expect(await again.exists('x')).toBe(false);
  });

  it('iterates a namespace in batches: every live key once, with its value', async () => {
    const state = await h.open();
    const keyv = new Keyv({
      store: createKeyvAdapter(state, { iterationBatchSize: 7 }),
      namespace: 'it',
    });
    const other = new Keyv({ store: createKeyvAdapter(state), namespace: 'itx' });
    await keyv.setMany(Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: i })));
    await other.set('k0', 'other');
    await keyv.set('gone', 'soon', 100);
    await sleep(300);
    const seen = new Map<string, unknown>();
    for await (const [key, value] of keyv.iterator!(undefined)) {
      expect(seen.has(key)).toBe(false);
      seen.set(key, value);
    }
    expect(seen.size).toBe(40);
    for (let i = 0; i < 40; i++) expect(seen.get(`k${i}`)).toBe(i);
  });

  it('writes setMany all at once with each ttl, and reads getMany in order', async () => {
    const state = await h.open();
    const keyv = new Keyv({ store: createKeyvAdapter(state), namespace: 'm' });
    await keyv.setMany([
      { key: 'a', value: 'A', ttl: 60_000 },
      { key: 'b', value: 'B' },
    ]);
    expect(await state.ttl('m:a')).toBeGreaterThan(30_000);
    expect(await state.ttl('m:b')).toBeNull();
    expect(await keyv.get(['b', 'nope', 'a'])).toEqual(['B', undefined, 'A']);
    expect(await keyv.has(['a', 'nope'])).toEqual([true, false]);
    expect(await keyv.delete(['a', 'nope'])).toBe(true);
    expect(await keyv.delete(['a', 'nope'])).toBe(false);
  });
});
