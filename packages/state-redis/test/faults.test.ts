import { isStateError } from '@pforge/state-core';
import { freePort, type RedisServer, skipWithoutRedis, startRedis } from '@pforge/test-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisState } from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined) =>
  b === undefined ? undefined : new TextDecoder().decode(b);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TIMEOUT = 1000;
// Generous slack: two shared cores.
const SETTLE = TIMEOUT + 1500;

describe.skipIf(skipWithoutRedis())('failure behaviour', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis({ config: { appendonly: 'yes', appendfsync: 'always' } });
  });
  afterAll(() => redis?.stop());

  it('SIGKILL during a write loop: calls fail fast with ERR_STATE_UNAVAILABLE, the same manager recovers, no acknowledged write is lost and no increment is applied twice', async () => {
    const m = await createRedisState({
      url: redis.url,
      namespace: 'faults',
      commandTimeoutMs: TIMEOUT,
      connectTimeoutMs: TIMEOUT,
    });
    const acked = new Map<string, string>();
    const returned: number[] = [];
    const failures: { code: string; ms: number }[] = [];
    let phase = 'before' as 'before' | 'down' | 'after';
    let afterOk = 0;
    const loop = (async () => {
      for (let i = 0; afterOk < 40; i++) {
        const t0 = Date.now();
        try {
          returned.push(await m.increment('counter'));
          await m.set(`k${i}`, enc(`v${i}`));
          acked.set(`k${i}`, `v${i}`);
          if (phase === 'after') afterOk++;
        } catch (err) {
          failures.push({ code: isStateError(err) ? err.code : String(err), ms: Date.now() - t0 });
          await sleep(20);
        }
      }
    })();
    await sleep(300);
    await redis.kill();
    phase = 'down';
    await sleep(1500);
    await redis.restart();
    phase = 'after';
    await loop;

    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) {
      expect(f.code).toBe('ERR_STATE_UNAVAILABLE');
      expect(f.ms).toBeLessThan(SETTLE);
    }
    for (const [k, v] of acked) expect(dec(await m.get(k))).toBe(v);
    // Acknowledged increments return 1, 2, 3, ...; one whose reply was lost may leave a gap
    // of one, but a resent one would show as a second gap or a final value too high.
    let gaps = 0;
    for (let i = 1; i < returned.length; i++) {
      const d = returned[i]! - returned[i - 1]!;
      expect(d === 1 || d === 2).toBe(true);
      if (d === 2) gaps++;
    }
    expect(returned[0]).toBe(1);
    expect(gaps).toBeLessThanOrEqual(1);
    expect(Number(dec(await m.get('counter')))).toBe(returned.at(-1));
    await m.close();
  }, 30_000);

  it('a stalled server (SIGSTOP) makes calls settle with ERR_STATE_UNAVAILABLE within the command timeout', async () => {
    const m = await createRedisState({
      url: redis.url,
      namespace: 'stall',
      commandTimeoutMs: TIMEOUT,
    });
    process.kill(redis.pid, 'SIGSTOP');
    try {
      const t0 = Date.now();
      const results = await Promise.allSettled([
        m.get('a'),
        m.increment('n'),
        m.set('b', enc('x')),
      ]);
      expect(Date.now() - t0).toBeLessThan(SETTLE);
      for (const r of results) {
        expect(r.status).toBe('rejected');
        expect((r as PromiseRejectedResult).reason).toMatchObject({
          code: 'ERR_STATE_UNAVAILABLE',
        });
      }
    } finally {
      process.kill(redis.pid, 'SIGCONT');
    }
    await m.close();
  });

  it('nothing listening: open rejects with ERR_STATE_UNAVAILABLE within the connect timeout', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const err = await createRedisState({
      url: `redis://:pw-not-shown@127.0.0.1:${port}`,
      connectTimeoutMs: 500,
    }).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(500 + 1500);
    expect(err).toMatchObject({ code: 'ERR_STATE_UNAVAILABLE' });
    expect(String((err as Error).message)).not.toContain('pw-not-shown');
  });

  it('close() during an outage settles waiting calls at once', async () => {
    const m = await createRedisState({
      url: redis.url,
      namespace: 'close',
      commandTimeoutMs: 5000,
    });
    await redis.kill();
    try {
      await sleep(100);
      const pending = m.get('a').catch((e: unknown) => e);
      const t0 = Date.now();
      await m.close();
      const err = await pending;
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(
        isStateError(err, 'ERR_STATE_CLOSED') || isStateError(err, 'ERR_STATE_UNAVAILABLE'),
      ).toBe(true);
    } finally {
      await redis.restart();
    }
  });
});
