import type { StateManager } from '@pforge/state-core';
import { skipWithoutRedis } from '@pforge/test-redis';
import { describe, expect, it } from 'vitest';
import { createRedisState } from '../src/index.js';
import { dec, enc, ns, ownsBuffer, serversForSuite } from './helpers.js';

const detach = (v: Uint8Array): void => {
  structuredClone(v, { transfer: [v.buffer as ArrayBuffer] });
};

/** Values that are written through and transferred must leave everything else alone. */
async function checkOwnership(m: StateManager): Promise<void> {
  const names = Array.from({ length: 40 }, (_, i) => `k${i}`);
  const text = (k: string) => `value of ${k} `.repeat(3);
  await m.setMany(names.map((key) => ({ key, value: enc(text(key)) })));

  // getMany: many values come from one socket chunk.
  const many = (await m.getMany(names)) as Uint8Array[];
  for (const v of many) expect(ownsBuffer(v), `offset ${v.byteOffset}`).toBe(true);
  new Uint8Array(many[0]!.buffer).fill(33); // '!!!!'
  detach(many[1]!);
  expect(many[1]!.byteLength).toBe(0);
  for (let i = 2; i < many.length; i++) expect(dec(many[i])).toBe(text(names[i]!));

  // Many gets in flight at once: their replies share socket chunks too.
  const gets = (await Promise.all(names.map((k) => m.get(k)))) as Uint8Array[];
  for (const v of gets) expect(ownsBuffer(v)).toBe(true);
  new Uint8Array(gets[2]!.buffer).fill(0);
  detach(gets[3]!);
  for (let i = 4; i < gets.length; i++) expect(dec(gets[i])).toBe(text(names[i]!));

  // The store is untouched, and later calls (which reuse the socket's buffers) work.
  const again = await m.getMany(names);
  expect(again.map(dec)).toEqual(names.map(text));
  expect(dec(await m.get('k0'))).toBe(text('k0'));
  await m.set('k1', enc('after'));
  expect(dec(await m.get('k1'))).toBe('after');
}

describe.skipIf(skipWithoutRedis())('returned values own their bytes', () => {
  const servers = serversForSuite();

  it('standalone: get and getMany results are exact-size copies; writing through or transferring them changes nothing else', async () => {
    const m = await createRedisState({ url: servers.redis.url, namespace: ns('own') });
    try {
      await checkOwnership(m);
    } finally {
      await m.close();
    }
  });

  it('cluster: the same', async () => {
    const m = await createRedisState({
      cluster: { nodes: servers.cluster.addresses },
      namespace: ns(),
    });
    try {
      await checkOwnership(m);
    } finally {
      await m.close();
    }
  });

  it('a value handed to set/setMany/compareAndSwap may be changed or transferred right after the call', async () => {
    const m = await createRedisState({ url: servers.redis.url, namespace: ns('in') });
    try {
      const a = enc('alpha');
      const b = enc('bravo');
      const c = enc('charlie');
      const calls = [
        m.set('a', a),
        m.setMany([{ key: 'b', value: b, ttl: 60_000 }]),
        m.compareAndSwap('c', undefined, c),
      ];
      a.fill(0);
      detach(b);
      c.fill(0);
      await Promise.all(calls);
      expect((await m.getMany(['a', 'b', 'c'])).map(dec)).toEqual(['alpha', 'bravo', 'charlie']);
    } finally {
      await m.close();
    }
  });
});
