import { type RedisServer, skipWithoutRedis, startRedis } from '@pforge/test-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisState } from '../src/index.js';
import { allKeys, enc, ns } from './helpers.js';

const detached = (): Uint8Array => {
  const v = enc('gone');
  structuredClone(v, { transfer: [v.buffer as ArrayBuffer] });
  return v;
};
const hostile = new Proxy(
  {},
  {
    get() {
      throw new Error('hostile getter');
    },
  },
);

describe.skipIf(skipWithoutRedis())('argument errors', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());

  it('a value over a detached buffer is ERR_STATE_INVALID_VALUE in set, setMany and compareAndSwap, and nothing is written', async () => {
    const m = await createRedisState({ url: redis.url, namespace: ns('det') });
    try {
      const calls = [
        () => m.set('a', detached()),
        () =>
          m.setMany([
            { key: 'ok', value: enc('1') },
            { key: 'b', value: detached() },
          ]),
        () =>
          m.setMany([
            { key: 'ok', value: enc('1'), ttl: 60_000 },
            { key: 'b', value: detached(), ttl: 60_000 },
          ]),
        () => m.compareAndSwap('c', undefined, detached()),
        () => m.compareAndSwap('c', detached(), enc('x')),
      ];
      for (const call of calls) {
        await expect(call()).rejects.toMatchObject({ code: 'ERR_STATE_INVALID_VALUE' });
      }
      expect(await allKeys(m)).toEqual([]);
    } finally {
      await m.close();
    }
  });

  it('an unexpected throw while reading an argument is ERR_STATE_BACKEND with the cause, not a made-up input error', async () => {
    const m = await createRedisState({ url: redis.url, namespace: ns('host') });
    try {
      for (const call of [
        () => m.set('a', enc('1'), hostile as never),
        () => m.increment('a', 1, hostile as never),
        () => m.setMany([hostile as never]),
      ]) {
        const err = await call().catch((e: unknown) => e);
        expect(err).toMatchObject({ name: 'StateError', code: 'ERR_STATE_BACKEND' });
        expect((err as Error).message).toContain('hostile getter');
        expect(((err as Error).cause as Error).message).toContain('hostile getter');
      }
      expect(await allKeys(m)).toEqual([]);
    } finally {
      await m.close();
    }
  });
});
