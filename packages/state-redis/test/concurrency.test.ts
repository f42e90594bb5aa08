import type { StateManager } from '@pforge/state-core';
import { skipWithoutRedis } from '@pforge/test-redis';
import { describe, expect, it } from 'vitest';
import { createRedisState, type RedisStateOptions } from '../src/index.js';
import { serversForSuite } from './helpers.js';

const ns = () => `cc-${Math.random().toString(36).slice(2)}`;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) =>
  b === undefined ? undefined : new TextDecoder().decode(b);

async function hammer(options: RedisStateOptions, managers: number, each: number): Promise<number> {
  const namespace = ns();
  const all: StateManager[] = await Promise.all(
    Array.from({ length: managers }, () => createRedisState({ ...options, namespace })),
  );
  try {
    await Promise.all(
      all.map(async (m) => {
        // 16 in flight per manager, so increments really interleave on the server.
        let next = 0;
        await Promise.all(
          Array.from({ length: 16 }, async () => {
            while (next++ < each) await m.increment('hits');
          }),
        );
      }),
    );
    return Number(dec(await all[0]!.get('hits')));
  } finally {
    await Promise.all(all.map((m) => m.close()));
  }
}

describe.skipIf(skipWithoutRedis())('concurrency and cluster specifics', () => {
  const servers = serversForSuite();

  it('8 managers × 500 increments on one key give exactly 4000 (standalone)', async () => {
    expect(await hammer({ url: servers.redis.url }, 8, 500)).toBe(4000);
  }, 60_000);

  it('8 managers × 500 increments on one key give exactly 4000 (cluster)', async () => {
    expect(await hammer({ cluster: { nodes: servers.cluster.addresses } }, 8, 500)).toBe(4000);
  }, 60_000);

  it('pool_size 3 spreads calls over three connections', async () => {
    const m = await createRedisState({ url: servers.redis.url, poolSize: 3, namespace: ns() });
    const before = Number(
      /connected_clients:(\d+)/.exec(String(await servers.redis.command('INFO', 'clients')))?.[1],
    );
    await Promise.all(Array.from({ length: 30 }, (_, i) => m.set(`k${i}`, enc(String(i)))));
    expect((await m.getMany(['k0', 'k29'])).map(dec)).toEqual(['0', '29']);
    await m.close();
    const after = Number(
      /connected_clients:(\d+)/.exec(String(await servers.redis.command('INFO', 'clients')))?.[1],
    );
    expect(before - after).toBeGreaterThanOrEqual(2); // ours closed (the INFO probe itself counts too)
  });

  it('cluster: batches spanning many slots are fanned out without CROSSSLOT, keys() visits every master', async () => {
    const m = await createRedisState({
      cluster: { nodes: servers.cluster.addresses },
      namespace: ns(),
    });
    const entries = Array.from({ length: 200 }, (_, i) => ({
      key: `k${i}`,
      value: enc(`v${i}`),
      ...(i % 2 ? { ttl: 60_000 } : {}),
    }));
    await m.setMany(entries);
    const got = await m.getMany(entries.map((e) => e.key));
    expect(got.map(dec)).toEqual(entries.map((e) => `v${e.key.slice(1)}`));
    const perNode = await Promise.all(servers.cluster.nodes.map((n) => n.command('DBSIZE')));
    expect(perNode.filter((n) => Number(n) > 0)).toHaveLength(3); // spread over all masters
    const seen: string[] = [];
    for await (const k of m.keys()) seen.push(k);
    expect(seen.sort()).toEqual(entries.map((e) => e.key).sort());
    expect(await m.deleteMany(entries.slice(0, 50).map((e) => e.key))).toBe(50);
    expect(await m.clear()).toBe(150);
    await m.close();
  });

  it('cluster: a {hash tag} in the namespace pins the namespace to one slot, and still works', async () => {
    const m = await createRedisState({
      cluster: { nodes: servers.cluster.addresses },
      namespace: `{${ns()}}`,
    });
    await m.setMany(Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: enc('x') })));
    const perNode = await Promise.all(servers.cluster.nodes.map((n) => n.command('DBSIZE')));
    expect(await m.clear()).toBe(50);
    expect(perNode.some((n) => Number(n) >= 50)).toBe(true);
    await m.close();
  });

  it('counters are stored as Redis stores INCRBY results', async () => {
    const m = await createRedisState({ url: servers.redis.url, namespace: 'ctr' });
    await m.increment('n', 41);
    expect(await servers.redis.command('INCRBY', 'ctr:n', '1')).toBe(42);
    expect(await m.increment('n')).toBe(43);
    expect(await servers.redis.command('OBJECT', 'ENCODING', 'ctr:n')).toBe('int');
    await m.clear();
    await m.close();
  });
});
