import { isStateError } from '@pforge/state-core';
import { type RedisCluster, skipWithoutRedis, startRedisCluster } from '@pforge/test-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisState } from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) =>
  b === undefined ? undefined : new TextDecoder().decode(b);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TIMEOUT = 1000;

describe.skipIf(skipWithoutRedis())('cluster failure behaviour', () => {
  let cluster: RedisCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster({ config: { appendonly: 'yes', appendfsync: 'always' } });
  });
  afterAll(() => cluster?.stop());

  it('a master SIGKILLed: calls settle with ERR_STATE_UNAVAILABLE within the timeout; after its restart the same manager works', async () => {
    const m = await createRedisState({
      cluster: { nodes: cluster.addresses },
      namespace: 'cf',
      commandTimeoutMs: TIMEOUT,
    });
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    await m.setMany(keys.map((key) => ({ key, value: enc(key) })));
    const victim = cluster.nodes[1]!;
    await victim.kill();
    await sleep(200);
    const t0 = Date.now();
    const results = await Promise.allSettled(keys.map((k) => m.increment(`${k}-n`)));
    expect(Date.now() - t0).toBeLessThan(TIMEOUT + 2000);
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.length).toBeGreaterThan(0);
    for (const f of failed) {
      const e = (f as PromiseRejectedResult).reason;
      if (!isStateError(e, 'ERR_STATE_UNAVAILABLE')) console.log(e.code, e.message, e.cause);
      expect(isStateError(e, 'ERR_STATE_UNAVAILABLE')).toBe(true);
    }

    await victim.restart();
    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        expect((await m.getMany(keys)).map(dec)).toEqual(keys);
        break;
      } catch (err) {
        if (Date.now() > deadline || !isStateError(err, 'ERR_STATE_UNAVAILABLE')) throw err;
        await sleep(200);
      }
    }
    await m.clear();
    await m.close();
  }, 40_000);
});
