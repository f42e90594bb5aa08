import { isStateError } from '@pforge/state-core';
import { createRedisState } from '@pforge/state-redis';
import { type RedisServer, skipWithoutRedis, startRedis } from '@pforge/test-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  counter,
  createFixedWindowLimiter,
  createSessions,
  createSlidingWindowLimiter,
  createTokenBucketLimiter,
  getOrCompute,
} from '../src/index.js';
import { rkey } from './targets.js';

const TIMEOUT_MS = 500;
const SLACK_MS = 400; // event-loop delays on a loaded 2-core machine

describe.skipIf(skipWithoutRedis())('redis outage', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  }, 30_000);
  afterAll(() => server?.stop(), 30_000);

  it('limiters follow their failure policy, sessions reject, all within the timeout; all recover', async () => {
    const state = await createRedisState({
      url: server.url,
      namespace: rkey('outage'),
    });
    try {
      const common = { limit: 10, timeoutMs: TIMEOUT_MS };
      const limiters = (failurePolicy?: 'open' | 'closed') => [
        createFixedWindowLimiter(state, {
          ...common,
          windowMs: 60_000,
          failurePolicy,
          prefix: `fw:${failurePolicy}:`,
        }),
        createSlidingWindowLimiter(state, {
          ...common,
          windowMs: 60_000,
          failurePolicy,
          prefix: `sw:${failurePolicy}:`,
        }),
        createTokenBucketLimiter(state, {
          ...common,
          intervalMs: 60_000,
          failurePolicy,
          prefix: `tb:${failurePolicy}:`,
        }),
      ];
      const sessions = createSessions<{ n: number }>(state, { timeoutMs: TIMEOUT_MS });
      const live = await sessions.create({ n: 1 });
      for (const l of limiters()) expect((await l.consume('c')).allowed).toBe(true);

      await server.kill();

      const timed = async <T>(p: Promise<T>): Promise<T> => {
        const start = Date.now();
        const out = await p;
        expect(Date.now() - start).toBeLessThan(TIMEOUT_MS + SLACK_MS);
        return out;
      };
      const settled = async (p: Promise<unknown>) => {
        const start = Date.now();
        const err = await p.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(Date.now() - start).toBeLessThan(TIMEOUT_MS + SLACK_MS);
        return err;
      };
      for (const l of [...limiters(), ...limiters('closed')]) {
        expect(await timed(l.consume('c'))).toMatchObject({ allowed: false, unavailable: true });
      }
      for (const l of limiters('open')) {
        expect(await timed(l.consume('c'))).toMatchObject({ allowed: true, unavailable: true });
      }
      for (const p of [
        sessions.get(live.id),
        sessions.create({ n: 2 }),
        sessions.update(live.id, (d) => d),
        sessions.touch(live.id),
      ]) {
        expect(isStateError(await settled(p), 'ERR_STATE_UNAVAILABLE')).toBe(true);
      }
      expect(
        isStateError(
          await settled(counter(state, 'n', { timeoutMs: TIMEOUT_MS }).increment()),
          'ERR_STATE_UNAVAILABLE',
        ),
      ).toBe(true);
      expect(
        await timed(getOrCompute(state, 'g', () => 'computed', { timeoutMs: TIMEOUT_MS })),
      ).toBe('computed');

      await server.restart();
      const deadline = Date.now() + 15_000;
      let back = false;
      while (!back && Date.now() < deadline) {
        back = !(await limiters('open')[0]!.consume('again')).unavailable;
        if (!back) await new Promise((r) => setTimeout(r, 200));
      }
      expect(back).toBe(true);
      const again = await sessions.create({ n: 3 }); // (the killed server kept no data)
      expect((await sessions.get(again.id))?.data.n).toBe(3);
    } finally {
      await state.close();
    }
  }, 60_000);
});
