import { type RedisServer, skipWithoutRedis, startRedis } from '@pforge/test-redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisState } from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) =>
  b === undefined ? undefined : new TextDecoder().decode(b);

async function all(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const k of it) out.push(k);
  return out.sort();
}

describe.skipIf(skipWithoutRedis())('isolation and ownership', () => {
  let redis: RedisServer;
  let raw: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    raw = new Redis(redis.port, '127.0.0.1');
  });
  afterAll(async () => {
    raw?.disconnect();
    await redis?.stop();
  });

  it('clear() leaves foreign keys written by a raw client alone, and never flushes', async () => {
    await raw.mset('foreign', 'f', 'app:foreign', 'f', 'app\\:x', 'f', 'appx:y', 'f', 'ap*:z', 'f');
    const m = await createRedisState({ url: redis.url, namespace: 'app' });
    await m.setMany([
      { key: 'a', value: enc('1') },
      { key: 'b:c', value: enc('2') },
    ]);
    expect(await all(m.keys())).toEqual(['a', 'b:c', 'foreign']);
    expect(await m.clear()).toBe(3);
    expect((await raw.keys('*')).sort()).toEqual(['ap*:z', 'app\\:x', 'appx:y', 'foreign']);
    await m.close();
    await raw.del('foreign', 'app\\:x', 'appx:y', 'ap*:z');
  });

  it('glob characters in namespace and prefix match only themselves', async () => {
    const star = await createRedisState({ url: redis.url, namespace: 'a*[?]\\' });
    const plain = await createRedisState({ url: redis.url, namespace: 'ab[c]\\' });
    await star.set('x*', enc('1'));
    await star.set('xy', enc('2'));
    await plain.set('x*', enc('3'));
    expect(await all(star.keys())).toEqual(['x*', 'xy']);
    expect(await all(star.keys({ prefix: 'x*' }))).toEqual(['x*']);
    expect(await star.clear({ prefix: 'x*' })).toBe(1);
    expect(dec(await plain.get('x*'))).toBe('3');
    await Promise.all([star.clear(), plain.clear()]);
    await Promise.all([star.close(), plain.close()]);
  });

  it('namespace `a` with key `b:c` never meets namespace `a:b` with key `c`', async () => {
    const a = await createRedisState({ url: redis.url, namespace: 'a' });
    const ab = await createRedisState({ url: redis.url, namespace: 'a:b' });
    await a.set('b:c', enc('from a'));
    expect(await ab.get('c')).toBeUndefined();
    expect(await all(ab.keys())).toEqual([]);
    await a.clear();
    await Promise.all([a.close(), ab.close()]);
  });

  it('close() quits its connections; a borrowed client is left open', async () => {
    const clients = async () =>
      Number(/connected_clients:(\d+)/.exec(await raw.info('clients'))?.[1]);
    const base = await clients();
    const owned = await createRedisState({ url: redis.url, poolSize: 2 });
    expect(await clients()).toBe(base + 2);
    await owned.close();
    await owned.close(); // idempotent
    await expect(owned.get('a')).rejects.toMatchObject({ code: 'ERR_STATE_CLOSED' });
    expect(await clients()).toBe(base);

    const mine = new Redis(redis.port, '127.0.0.1');
    const borrowed = await createRedisState({ client: mine, namespace: 'borrowed' });
    await borrowed.set('k', enc('v'));
    await borrowed.close();
    expect(mine.status).toBe('ready');
    expect(await mine.get('borrowed:k')).toBe('v');
    await mine.quit();
  });
});
