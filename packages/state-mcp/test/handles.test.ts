import { expect, it } from 'vitest';
import { createHandleStore } from '../src/index.js';
import { forEachTarget, rprefix, sleep } from './targets.js';

interface Cart {
  items: string[];
  at?: Date;
}

const ada = {
  http: { authInfo: { token: 'secret-token', clientId: 'app', scopes: [], extra: { sub: 'ada' } } },
};
const bob = {
  http: { authInfo: { token: 'secret-token', clientId: 'app', scopes: [], extra: { sub: 'bob' } } },
};

forEachTarget((h) => {
  it('creates unguessable handles bound to the principal, readable from another instance', async () => {
    const [a, b] = await h.openMany(2);
    const prefix = rprefix();
    const onA = createHandleStore<Cart>(a!, { kind: 'cart', prefix });
    const onB = createHandleStore<Cart>(b!, { kind: 'cart', prefix });
    const at = new Date('2026-07-28T00:00:00Z');
    const created = await onA.create(ada, { items: ['apple'], at });
    const other = await onA.create(ada, { items: [] });
    expect(created.handle).toMatch(/^cart_[A-Za-z0-9_-]{32}$/); // 192 random bits
    expect(created.handle).not.toBe(other.handle);
    const got = await onB.get(ada, created.handle);
    expect(got?.data.items).toEqual(['apple']);
    expect(got?.data.at?.getTime()).toBe(at.getTime());
    expect(await onB.get(bob, created.handle)).toBeUndefined(); // another principal: as if absent
    expect(await onB.get('sub:ada', created.handle)).toBeDefined(); // a principal string works too
    expect(await onB.get(ada, 'cart_not-a-handle')).toBeUndefined();
    expect(await onB.get(ada, `session_${created.handle.slice(5)}`)).toBeUndefined();
    expect(await onB.delete(bob, created.handle)).toBe(false);
    expect(await onB.delete(ada, created.handle)).toBe(true);
    expect(await onA.get(ada, created.handle)).toBeUndefined();
  });

  it('update loses no concurrent change (compare-and-swap loop) across instances', async () => {
    const managers = await h.openMany(3);
    const prefix = rprefix();
    const stores = managers.map((m) => createHandleStore<Cart>(m, { kind: 'cart', prefix }));
    const { handle } = await stores[0]!.create(ada, { items: [] });
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        stores[i % 3]!.update(ada, handle, (c) => ({ items: [...c.items, `i${i}`] })),
      ),
    );
    const got = await stores[1]!.get(ada, handle);
    expect(got?.data.items).toHaveLength(30);
    expect(await stores[2]!.update(bob, handle, (c) => c)).toBeUndefined();
  });

  it('a sliding handle lives while used; a fixed one expires ttlMs after creation', async () => {
    const state = await h.open();
    const prefix = rprefix();
    // Touches every 500 ms keep a 1,500 ms handle alive with a second of slack for a slow machine.
    const sliding = createHandleStore<Cart>(state, { kind: 's', prefix, ttlMs: 1_500 });
    const fixed = createHandleStore<Cart>(state, {
      kind: 'f',
      prefix,
      ttlMs: 1_500,
      sliding: false,
    });
    const s = await sliding.create(ada, { items: [] });
    const f = await fixed.create(ada, { items: [] });
    const idle = await sliding.create(ada, { items: [] });
    for (let i = 0; i < 4; i++) {
      await sleep(500);
      expect(await sliding.touch(ada, s.handle)).toBe(true);
      await fixed.touch(ada, f.handle);
    }
    expect(await sliding.get(ada, s.handle)).toBeDefined(); // 2 s after creation
    expect(await fixed.get(ada, f.handle)).toBeUndefined();
    expect(await sliding.get(ada, idle.handle)).toBeUndefined();
    expect(f.expiresAt - f.createdAt).toBe(1_500);
  });

  it('checks its options', async () => {
    const state = await h.open();
    expect(() => createHandleStore(state, { kind: 'Cart' })).toThrow(/kind/);
    expect(() => createHandleStore(state, { kind: 'cart', ttlMs: -1 })).toThrow(/ttlMs/);
    const store = createHandleStore(state, { kind: 'cart' });
    await expect(store.create('', {})).rejects.toMatchObject({
      code: 'ERR_STATE_INVALID_ARGUMENT',
    });
  });
});
