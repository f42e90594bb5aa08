import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createDriverManager, type StoreDriver, type StoredEntry } from '../src/index.js';
import { createMapDriver, createMapState } from './map-driver.js';

const b = (s: string) => new TextEncoder().encode(s);

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const k of it) out.push(k);
  return out.sort();
}

describe('createDriverManager (the author base)', () => {
  it('derives exists, getMany, ttl and expire from the required set', async () => {
    const s = createMapState();
    await s.set('a', b('1'));
    await s.set('t', b('2'), { ttl: 60_000 });
    expect(await s.exists('a')).toBe(true);
    expect(await s.exists('zz')).toBe(false);
    expect(await s.getMany(['a', 'zz', 't'])).toEqual([b('1'), undefined, b('2')]);
    expect(await s.ttl('a')).toBeNull();
    expect(await s.ttl('zz')).toBeUndefined();
    const left = await s.ttl('t');
    expect(left).toBeGreaterThan(50_000);
    expect(left).toBeLessThanOrEqual(60_000);
    expect(await s.expire('a', 60_000)).toBe(true);
    expect(await s.ttl('a')).toBeGreaterThan(0);
    expect(await s.expire('a', null)).toBe(true);
    expect(await s.ttl('a')).toBeNull();
    expect(await s.expire('zz', 10)).toBe(false);
    await s.set('t', b('3'));
    expect(await s.ttl('t')).toBeNull(); // set without ttl clears the expiry
  });

  it('an expired key is absent for every operation at once', async () => {
    const s = createMapState();
    await s.set('x', b('1'), { ttl: 20 });
    await sleep(60);
    expect(await s.get('x')).toBeUndefined();
    expect(await s.exists('x')).toBe(false);
    expect(await s.ttl('x')).toBeUndefined();
    expect(await s.delete('x')).toBe(false);
    expect(await collect(s.keys())).toEqual([]);
    expect(await s.compareAndSwap('x', undefined, b('n'))).toBe(true);
  });

  it('never aliases values in or out', async () => {
    const s = createMapState();
    const v = b('abc');
    await s.set('k', v);
    v[0] = 0;
    const out = (await s.get('k'))!;
    out[1] = 0;
    expect(await s.get('k')).toEqual(b('abc'));
  });

  it('batches: validated before anything is written; deleteMany counts live keys once', async () => {
    const s = createMapState();
    await expect(
      s.setMany([
        { key: 'a', value: b('1') },
        { key: 'b', value: b('2'), ttl: -1 },
      ]),
    ).rejects.toMatchObject({ code: 'ERR_STATE_INVALID_TTL' });
    expect(await s.exists('a')).toBe(false);
    await s.setMany([
      { key: 'a', value: b('1') },
      { key: 'b', value: b('2'), ttl: 60_000 },
    ]);
    expect(await s.deleteMany(['a', 'a', 'b', 'c'])).toBe(2);
    await expect(s.deleteMany(['ok', ''])).rejects.toMatchObject({ code: 'ERR_STATE_INVALID_KEY' });
  });

  it('uses writeMany/removeMany/readMany/increment when the driver has them', async () => {
    const calls: string[] = [];
    const base = createMapDriver();
    const driver: StoreDriver = {
      ...base,
      writeMany: async (entries) => {
        calls.push(`writeMany:${entries.length}`);
        for (const [k, e] of entries) await base.write(k, e);
      },
      removeMany: async (keys) => {
        calls.push(`removeMany:${keys.length}`);
        return keys.length;
      },
      readMany: async (keys) => {
        calls.push(`readMany:${keys.length}`);
        return Promise.all(keys.map((k) => base.read(k)));
      },
      increment: async (_k, delta) => {
        calls.push('increment');
        return delta;
      },
    };
    const s = createDriverManager(driver, { source: 'test' });
    await s.setMany([{ key: 'a', value: b('1') }]);
    await s.getMany(['a', 'b']);
    await s.deleteMany(['a']);
    expect(await s.increment('n', 3)).toBe(3);
    expect(calls).toEqual(['writeMany:1', 'readMany:2', 'removeMany:1', 'increment']);
  });

  it('compareAndSwap: byte equality, absent, delete, ttl', async () => {
    const s = createMapState();
    expect(await s.compareAndSwap('k', b('x'), b('y'))).toBe(false);
    expect(await s.compareAndSwap('k', undefined, b('1'), { ttl: 60_000 })).toBe(true);
    expect(await s.ttl('k')).toBeGreaterThan(0);
    expect(await s.compareAndSwap('k', undefined, b('2'))).toBe(false);
    expect(await s.compareAndSwap('k', b('1'), b('2'))).toBe(true);
    expect(await s.compareAndSwap('k', b('2'), undefined)).toBe(true);
    expect(await s.exists('k')).toBe(false);
    await expect(s.compareAndSwap('k', 'x' as never, undefined)).rejects.toMatchObject({
      code: 'ERR_STATE_INVALID_VALUE',
    });
  });

  it('keys and clear stay inside the namespace and the prefix, treating * ? [ as plain', async () => {
    const store = new Map<string, StoredEntry>();
    const s = createMapState('app', store);
    const other = createMapState('other', store);
    await other.set('a*1', b('o'));
    for (const k of ['a*1', 'a*2', 'ab', '[x]', '?']) await s.set(k, b('v'));
    expect(await collect(s.keys())).toEqual(['?', '[x]', 'a*1', 'a*2', 'ab']);
    expect(await collect(s.keys({ prefix: 'a*' }))).toEqual(['a*1', 'a*2']);
    expect(await s.clear({ prefix: 'a*' })).toBe(2);
    expect(await s.clear()).toBe(3);
    expect(await other.get('a*1')).toEqual(b('o'));
  });

  it('rejects (never throws) bad input, and wraps driver failures as ERR_STATE_BACKEND', async () => {
    const s = createMapState();
    const p = s.get(42 as never);
    expect(p).toBeInstanceOf(Promise);
    await expect(p).rejects.toMatchObject({ code: 'ERR_STATE_INVALID_KEY' });
    const boom = new Error('disk on fire');
    const broken = createDriverManager(
      {
        ...createMapDriver(),
        read: async () => {
          throw boom;
        },
      },
      { source: '@acme/broken' },
    );
    const err = await broken.get('k').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_STATE_BACKEND', cause: boom });
    expect((err as Error).message).toMatch(/^\[@acme\/broken\] get\(\) failed: disk on fire/);
  });

  it('close is idempotent; afterwards every call rejects with ERR_STATE_CLOSED; await using works', async () => {
    let closes = 0;
    const s = createDriverManager(
      {
        ...createMapDriver(),
        close: async () => {
          closes++;
        },
      },
      { source: 't' },
    );
    await Promise.all([s.close(), s.close()]);
    await s.close();
    expect(closes).toBe(1);
    await expect(s.get('k')).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
    await expect(s.set('k', b('v'))).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
    await expect(collect(s.keys())).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
    let closed = false;
    {
      await using t = createDriverManager(
        {
          ...createMapDriver(),
          close: async () => {
            closed = true;
          },
        },
        { source: 't' },
      );
      await t.set('k', b('v'));
    }
    expect(closed).toBe(true);
  });
});
