import { isStateError, type StateManager } from '@pforge/state-core';
import { skipWithoutRedis } from '@pforge/test-redis';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedisState, type RedisStateOptions } from '../src/index.js';
import { allKeys, dec, enc, ns, serversForSuite } from './helpers.js';

const HOUR = 3_600_000;
const key = fc.constantFrom('a', 'b', 'c', '{t}d');
const bytes = fc.constantFrom('1', '7', 'x', '');
const ttl = fc.option(fc.constant(HOUR), { nil: undefined });

/** One write call, as data, so the same sequence can run pipelined and awaited. */
type Op =
  | ['set', string, string, number | undefined]
  | ['delete', string]
  | ['setMany', [string, string, number | undefined][]]
  | ['deleteMany', string[]]
  | ['increment', string, number]
  | ['compareAndSwap', string, string | undefined, string | undefined]
  | ['expire', string, number | null]
  | ['clear'];

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(fc.constant('set' as const), key, bytes, ttl),
  fc.tuple(fc.constant('delete' as const), key),
  fc.tuple(fc.constant('setMany' as const), fc.array(fc.tuple(key, bytes, ttl), { maxLength: 3 })),
  fc.tuple(fc.constant('deleteMany' as const), fc.array(key, { maxLength: 3 })),
  fc.tuple(fc.constant('increment' as const), key, fc.integer({ min: -3, max: 3 })),
  fc.tuple(
    fc.constant('compareAndSwap' as const),
    key,
    fc.option(bytes, { nil: undefined }),
    fc.option(bytes, { nil: undefined }),
  ),
  fc.tuple(fc.constant('expire' as const), key, fc.constantFrom(HOUR, null)),
  { arbitrary: fc.constant(['clear'] as Op), weight: 1 },
);

function call(m: StateManager, o: Op): Promise<unknown> {
  switch (o[0]) {
    case 'set':
      return m.set(o[1], enc(o[2]), o[3] === undefined ? undefined : { ttl: o[3] });
    case 'delete':
      return m.delete(o[1]);
    case 'setMany':
      return m.setMany(o[1].map(([k, v, t]) => ({ key: k, value: enc(v), ttl: t })));
    case 'deleteMany':
      return m.deleteMany(o[1]);
    case 'increment':
      return m.increment(o[1], o[2]);
    case 'compareAndSwap':
      return m.compareAndSwap(
        o[1],
        o[2] === undefined ? undefined : enc(o[2]),
        o[3] === undefined ? undefined : enc(o[3]),
      );
    case 'expire':
      return m.expire(o[1], o[2]);
    case 'clear':
      return m.clear();
  }
}

const outcome = (r: PromiseSettledResult<unknown>): unknown =>
  r.status === 'fulfilled' ? r.value : isStateError(r.reason) ? r.reason.code : String(r.reason);

/** Every key with its value and whether it has an expiry. */
async function snapshot(m: StateManager): Promise<string[]> {
  const keys = await allKeys(m);
  const values = await m.getMany(keys);
  const ttls = await Promise.all(keys.map((k) => m.ttl(k)));
  return keys.map((k, i) => `${k}=${dec(values[i])}|${ttls[i] === null ? 'none' : 'ttl'}`);
}

async function checkOrder(options: RedisStateOptions, runs: number): Promise<void> {
  const piped = await createRedisState({ ...options, namespace: ns('piped') });
  const awaited = await createRedisState({ ...options, namespace: ns('awaited') });
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        await Promise.all([piped.clear(), awaited.clear()]);
        // Issued without awaiting each other: one pipeline.
        const p = await Promise.allSettled(ops.map((o) => call(piped, o)));
        const a: PromiseSettledResult<unknown>[] = [];
        for (const o of ops) a.push(...(await Promise.allSettled([call(awaited, o)])));
        expect(p.map(outcome)).toEqual(a.map(outcome));
        expect(await snapshot(piped)).toEqual(await snapshot(awaited));
      }),
      { numRuns: runs },
    );
  } finally {
    await Promise.all([piped.clear(), awaited.clear()]);
    await Promise.all([piped.close(), awaited.close()]);
  }
}

describe.skipIf(skipWithoutRedis())(
  'calls take effect in issue order (contract "Visibility and order")',
  () => {
    const servers = serversForSuite();

    it('pool_size 1: a pipelined mix of every write method ends as the same calls awaited one by one', async () => {
      await checkOrder({ url: servers.redis.url }, 60);
    }, 60_000);

    it('pool_size 3: the same', async () => {
      await checkOrder({ url: servers.redis.url, poolSize: 3 }, 60);
    }, 60_000);

    it('cluster, pool_size 2: the same', async () => {
      await checkOrder({ cluster: { nodes: servers.cluster.addresses }, poolSize: 2 }, 30);
    }, 60_000);

    it('a server with an empty script cache: the first script calls keep their place in a pipeline', async () => {
      for (const flush of [servers.redis, ...servers.cluster.nodes])
        await flush.command('SCRIPT', 'FLUSH');
      for (const options of [
        { url: servers.redis.url },
        { cluster: { nodes: servers.cluster.addresses } },
      ]) {
        const m = await createRedisState({ ...options, namespace: ns('fresh') });
        try {
          const results = await Promise.all([
            m.increment('n'),
            m.set('n', enc('100')),
            m.increment('n', 5),
            m.compareAndSwap('n', enc('105'), enc('x')),
            m.set('x', enc('1')),
            m.expire('x', null),
          ]);
          expect(results).toEqual([1, undefined, 105, true, undefined, true]);
          expect(dec(await m.get('n'))).toBe('x');
        } finally {
          await m.clear();
          await m.close();
        }
      }
    });

    it('a set issued right after clear() survives it', async () => {
      const m = await createRedisState({
        url: servers.redis.url,
        namespace: ns('clr'),
        poolSize: 2,
      });
      try {
        await m.setMany(
          Array.from({ length: 3000 }, (_, i) => ({ key: `k${i}`, value: enc('v') })),
        );
        const [cleared, , kept] = await Promise.all([
          m.clear(),
          m.set('k1', enc('again')),
          m.get('k1'),
        ]);
        expect(cleared).toBe(3000);
        expect(dec(kept)).toBe('again');
        expect(await allKeys(m)).toEqual(['k1']);
      } finally {
        await m.clear();
        await m.close();
      }
    });
  },
);
