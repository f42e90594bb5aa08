import type { StateManager } from '@pforge/state-core';
import { isStateError } from '@pforge/state-core';
import { describe, expect, it } from 'vitest';
import {
  createFixedWindowLimiter,
  createSlidingWindowLimiter,
  createTokenBucketLimiter,
  type RateLimiter,
} from '../src/index.js';
import { forEachTarget, rkey, sleep } from './targets.js';

const YEAR = 365 * 24 * 3_600_000;

type Make = (state: StateManager, limit: number, prefix: string, periodMs: number) => RateLimiter;

/** The three algorithms, each with a period long enough that nothing refills during a test. */
export const limiters: [string, Make][] = [
  [
    'fixed window',
    (s, limit, prefix, windowMs) =>
      createFixedWindowLimiter(s, { limit, windowMs, prefix, timeoutMs: 60_000 }),
  ],
  [
    'sliding window',
    (s, limit, prefix, windowMs) =>
      createSlidingWindowLimiter(s, { limit, windowMs, prefix, timeoutMs: 60_000 }),
  ],
  [
    'token bucket',
    (s, limit, prefix, intervalMs) =>
      createTokenBucketLimiter(s, { limit, intervalMs, prefix, timeoutMs: 60_000 }),
  ],
];

forEachTarget((h) => {
  describe.each(limiters)('%s', (name, make) => {
    it('limit 50, 300 concurrent calls from 3 managers: exactly 50 admitted', async () => {
      const managers = await h.openMany(3);
      const prefix = `${rkey('rl')}:`;
      // Fixed windows are aligned to the epoch: start right after a boundary of a long window.
      const made = managers.map((m) => make(m, 50, prefix, YEAR));
      const results = await Promise.all(
        Array.from({ length: 300 }, (_, i) => made[i % 3]!.consume('client')),
      );
      const admitted = results.filter((r) => r.allowed);
      expect(admitted.length).toBe(50);
      expect(results.filter((r) => r.unavailable).length).toBe(0);
      for (const r of results.filter((x) => !x.allowed)) {
        expect(r.retryAfterMs).toBeGreaterThan(0);
        expect(r.remaining).toBe(0);
      }
      expect((await made[0]!.consume('client')).allowed).toBe(false);
      expect((await made[0]!.consume('other')).allowed).toBe(true);
    }, 60_000);

    it('mixed costs under concurrency never admit more than the limit', async () => {
      const managers = await h.openMany(3);
      const prefix = `${rkey('rl')}:`;
      const made = managers.map((m) => make(m, 50, prefix, YEAR));
      const costs = Array.from({ length: 120 }, (_, i) => 1 + ((i * 7) % 5));
      const results = await Promise.all(costs.map((c, i) => made[i % 3]!.consume('client', c)));
      const admitted = costs.filter((_, i) => results[i]!.allowed).reduce((a, b) => a + b, 0);
      expect(admitted).toBeLessThanOrEqual(50);
      expect(admitted).toBeGreaterThanOrEqual(40); // and it does not starve: denials give their cost back
    }, 60_000);

    it('weighs calls by cost, reports remaining, and resets', async () => {
      const limiter = make(await h.open(), 10, `${rkey('rl')}:`, YEAR);
      const a = await limiter.consume('c', 4);
      expect(a).toMatchObject({ allowed: true, remaining: 6, retryAfterMs: 0, limit: 10 });
      expect((await limiter.consume('c', 7)).allowed).toBe(false);
      expect(await limiter.consume('c', 6)).toMatchObject({ allowed: true, remaining: 0 });
      expect((await limiter.consume('c')).allowed).toBe(false);
      await limiter.reset('c');
      expect(await limiter.consume('c', 10)).toMatchObject({ allowed: true, remaining: 0 });
      await expect(limiter.consume('c', 11)).rejects.toSatisfy((e) =>
        isStateError(e, 'ERR_STATE_INVALID_ARGUMENT'),
      );
      await expect(limiter.consume('c', 0)).rejects.toSatisfy((e) =>
        isStateError(e, 'ERR_STATE_INVALID_ARGUMENT'),
      );
    });

    it('admits again after the period', async () => {
      const limiter = make(await h.open(), 3, `${rkey('rl')}:`, 800);
      if (name === 'fixed window') await sleep(800 - (Date.now() % 800) + 5); // epoch-aligned windows
      for (let i = 0; i < 3; i++) expect((await limiter.consume('c')).allowed).toBe(true);
      const denied = await limiter.consume('c');
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(900);
      await sleep(denied.retryAfterMs + 100);
      expect((await limiter.consume('c')).allowed).toBe(true);
    });
  });

  it('control: the same load on a read-then-write limiter over-admits here', async () => {
    // Shows the exactness test above can fail on this backend: the book version loses updates.
    const managers = await h.openMany(3);
    const key = rkey('naive');
    const naive = async (s: StateManager) => {
      const bytes = await s.get(key);
      const used = bytes === undefined ? 0 : Number(new TextDecoder().decode(bytes));
      if (used >= 50) return false;
      await s.set(key, new TextEncoder().encode(String(used + 1)));
      return true;
    };
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => naive(managers[i % 3]!)),
    );
    expect(results.filter(Boolean).length).toBeGreaterThan(50);
  });

  it('sliding window never admits more than the limit in any window span', async () => {
    const limiter = createSlidingWindowLimiter(await h.open(), {
      limit: 5,
      windowMs: 400,
      prefix: `${rkey('rl')}:`,
    });
    // Each admission was decided somewhere inside [start, end] of its call, so the calls lying
    // wholly inside one 400 ms span are admissions inside that span: at most 5.
    const admitted: [number, number][] = [];
    const stop = Date.now() + 1_000;
    while (Date.now() < stop) {
      const start = Date.now();
      if ((await limiter.consume('c')).allowed) admitted.push([start, Date.now()]);
      await sleep(10);
    }
    for (const [from] of admitted) {
      const inside = admitted.filter(([s, e]) => s >= from && e < from + 400);
      expect(inside.length).toBeLessThanOrEqual(5);
    }
    expect(admitted.length).toBeGreaterThanOrEqual(8); // it does admit again as the window slides
  });

  it('token bucket refills continuously', async () => {
    const limiter = createTokenBucketLimiter(await h.open(), {
      limit: 4,
      intervalMs: 2_000,
      prefix: `${rkey('rl')}:`,
    });
    for (let i = 0; i < 4; i++) expect((await limiter.consume('c')).allowed).toBe(true);
    const denied = await limiter.consume('c');
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(500);
    await sleep(denied.retryAfterMs + 30);
    expect((await limiter.consume('c')).allowed).toBe(true);
  });

  it('sliding window and token bucket: a denial only reads (no write reaches the backend)', async () => {
    const state = await h.open();
    const writes: string[] = [];
    const counting = new Proxy(state, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          if (prop !== 'get' && prop !== 'ttl' && prop !== 'exists') writes.push(String(prop));
          return v.apply(target, args);
        };
      },
    });
    for (const [name, make] of limiters.slice(1)) {
      const limiter = make(counting, 2, `${rkey('rl')}:`, YEAR);
      expect((await limiter.consume('c', 2)).allowed, name).toBe(true);
      writes.length = 0;
      for (let i = 0; i < 3; i++) expect((await limiter.consume('c')).allowed, name).toBe(false);
      expect(writes, name).toEqual([]);
    }
  });

  it('token bucket: the key expires when the bucket would be full again', async () => {
    const state = await h.open();
    const prefix = `${rkey('rl')}:`;
    const limiter = createTokenBucketLimiter(state, { limit: 10, intervalMs: 10_000, prefix });
    expect((await limiter.consume('c', 3)).allowed).toBe(true);
    const ttl = await state.ttl(`${prefix}c`);
    // 3 tokens at 1 per 1000 ms: full again in 3000 ms.
    expect(ttl).toBeGreaterThan(2_000);
    expect(ttl).toBeLessThanOrEqual(3_000);
  });
});
