import { createCache } from 'cache-manager';
import { Cacheable } from 'cacheable';
import Keyv from 'keyv';
import { expect, it } from 'vitest';
import { createKeyvAdapter } from '../src/index.js';
import { allTargets, forEachTarget } from './targets.js';

forEachTarget(allTargets(), (h) => {
  it('cache-manager 7: set/get/ttl/mset/mget/wrap/del/clear, expiry held by the manager', async () => {
    const state = await h.open();
    const cache = createCache({
      stores: [new Keyv({ store: createKeyvAdapter(state), namespace: 'cm' })],
    });
    await cache.set('user:1', { name: 'Ada' }, 60_000);
    expect(await cache.get('user:1')).toEqual({ name: 'Ada' });
    expect(await cache.ttl('user:1')).toBeGreaterThan(Date.now()); // cache-manager: absolute expiry
    expect(await state.ttl('cm:user:1')).toBeGreaterThan(30_000);
    await cache.mset([
      { key: 'a', value: 1, ttl: 60_000 },
      { key: 'b', value: 2 },
    ]);
    expect(await cache.mget(['a', 'b', 'c'])).toEqual([1, 2, undefined]);
    let calls = 0;
    const compute = async () => ++calls;
    expect(await cache.wrap('w', compute, 60_000)).toBe(1);
    expect(await cache.wrap('w', compute, 60_000)).toBe(1);
    expect(await cache.del('a')).toBe(true);
    expect(await state.exists('cm:a')).toBe(false);
    await state.set('outside', new Uint8Array([1]));
    await cache.clear();
    expect(await cache.get('user:1')).toBeUndefined();
    expect(await state.exists('outside')).toBe(true); // clear() stays inside Keyv's namespace
    await cache.disconnect();
    expect(await state.exists('outside')).toBe(true); // the manager is borrowed, still open
  });

  it('cacheable 2: the adapter as the secondary store behind its in-memory primary', async () => {
    const state = await h.open();
    const cache = new Cacheable({ secondary: createKeyvAdapter(state), namespace: 'cb' });
    await cache.set('k', { n: 1 }, '1m');
    expect(await cache.get('k')).toEqual({ n: 1 });
    const keys: string[] = [];
    for await (const key of state.keys()) keys.push(key);
    expect(keys).toHaveLength(1);
    const left = await state.ttl(keys[0]!);
    expect(left).toBeGreaterThan(30_000);
    expect(left).toBeLessThanOrEqual(60_000);
    const fresh = new Cacheable({ secondary: createKeyvAdapter(state), namespace: 'cb' });
    expect(await fresh.get('k')).toEqual({ n: 1 }); // read through from the manager
    await cache.delete('k');
    expect(await state.exists(keys[0]!)).toBe(false);
  });
});
