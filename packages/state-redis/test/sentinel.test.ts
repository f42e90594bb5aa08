import { type SentinelSetup, skipWithoutRedis, startSentinelSetup } from '@pforge/test-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisState } from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) =>
  b === undefined ? undefined : new TextDecoder().decode(b);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(skipWithoutRedis())('sentinel', () => {
  let s: SentinelSetup;
  beforeAll(async () => {
    s = await startSentinelSetup();
  }, 60_000);
  afterAll(() => s?.stop());

  it('connects through the sentinel and works again after the replica is promoted', async () => {
    const m = await createRedisState({
      sentinel: { name: s.name, nodes: s.sentinels.map((n) => `${n.host}:${n.port}`) },
      namespace: 'sentinel',
      commandTimeoutMs: 1000,
    });
    await m.set('before', enc('1'));
    expect(await m.increment('n')).toBe(1);
    // Let the writes reach the replica before the master dies (WAIT on another connection
    // would wait for nothing: it counts only that connection's own writes).
    const deadline0 = Date.now() + 10_000;
    while ((await s.replica.command('GET', 'sentinel:n')) !== '1') {
      if (Date.now() > deadline0) throw new Error('the replica never got the write');
      await sleep(20);
    }

    await s.master.kill();
    const promoted = await s.waitForFailover(s.master.port);
    expect(promoted).toBe(s.replica.port);

    const deadline = Date.now() + 20_000;
    let n: number | undefined;
    while (n === undefined) {
      try {
        n = await m.increment('n');
      } catch (err) {
        expect(err).toMatchObject({ code: 'ERR_STATE_UNAVAILABLE' });
        if (Date.now() > deadline) throw err;
        await sleep(100);
      }
    }
    expect(n).toBe(2);
    expect(dec(await m.get('before'))).toBe('1');
    await m.set('after', enc('2'));
    expect(await s.replica.command('GET', 'sentinel:after')).toBe('2');
    await m.close();
  }, 40_000);
});
