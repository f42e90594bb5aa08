import { isStateError } from '@pforge/state-core';
import { expect, it, vi } from 'vitest';
import { getOrCompute } from '../src/index.js';
import { createMapStore } from './map-backend.js';
import { forEachTarget, rkey, sleep } from './targets.js';

forEachTarget((h) => {
  it('50 concurrent callers run the computation once', async () => {
    const state = await h.open();
    const key = rkey('aside');
    const compute = vi.fn(async () => {
      await sleep(30);
      return { n: 42, at: new Date(1_700_000_000_000) };
    });
    const values = await Promise.all(
      Array.from({ length: 50 }, () => getOrCompute(state, key, compute, { ttl: 10_000 })),
    );
    expect(compute).toHaveBeenCalledTimes(1);
    for (const v of values) expect(v.n).toBe(42);
    const cached = await getOrCompute(state, key, compute);
    expect(cached.at).toEqual(new Date(1_700_000_000_000)); // dates survive the codec
    expect(compute).toHaveBeenCalledTimes(1);
  });

  it('a throwing computation reaches every waiter, is not cached, and runs again next call', async () => {
    const state = await h.open();
    const key = rkey('aside');
    let calls = 0;
    const compute = async () => {
      calls++;
      await sleep(20);
      if (calls === 1) throw new Error('boom');
      return 'ok';
    };
    const first = await Promise.allSettled(
      Array.from({ length: 10 }, () => getOrCompute(state, key, compute)),
    );
    expect(
      first.every((r) => r.status === 'rejected' && (r.reason as Error).message === 'boom'),
    ).toBe(true);
    expect(await state.exists(key)).toBe(false);
    expect(await getOrCompute(state, key, compute)).toBe('ok');
    expect(calls).toBe(2);
  });

  it('recomputes after the ttl', async () => {
    const state = await h.open();
    const key = rkey('aside');
    let n = 0;
    const compute = () => ++n;
    expect(await getOrCompute(state, key, compute, { ttl: 400 })).toBe(1);
    expect(await getOrCompute(state, key, compute, { ttl: 400 })).toBe(1);
    await sleep(550);
    expect(await getOrCompute(state, key, compute, { ttl: 400 })).toBe(2);
  });

  it('stale-while-revalidate serves the old value while one refresh runs', async () => {
    const state = await h.open();
    const key = rkey('aside');
    let n = 0;
    const compute = async () => {
      await sleep(50);
      return ++n;
    };
    const opts = { ttl: 100, staleWhileRevalidateMs: 5_000 };
    expect(await getOrCompute(state, key, compute, opts)).toBe(1);
    await sleep(200); // stale now, but inside the revalidate window
    const stale = await Promise.all(
      Array.from({ length: 10 }, () => getOrCompute(state, key, compute, opts)),
    );
    expect(stale).toEqual(Array(10).fill(1));
    await sleep(300);
    expect(n).toBe(2); // exactly one background refresh
    expect(await getOrCompute(state, key, compute, opts)).toBe(2);
  });

  it('a failed background refresh goes to onRefreshError; the stale value is still served', async () => {
    const state = await h.open();
    const key = rkey('aside');
    const errors: unknown[] = [];
    let n = 0;
    const compute = async () => {
      if (++n > 1) throw new Error('refresh failed');
      return 'first';
    };
    const opts = {
      ttl: 100,
      staleWhileRevalidateMs: 5_000,
      onRefreshError: (e: unknown) => errors.push(e),
    };
    expect(await getOrCompute(state, key, compute, opts)).toBe('first');
    await sleep(200);
    expect(await getOrCompute(state, key, compute, opts)).toBe('first');
    await sleep(50);
    expect(errors).toHaveLength(1);
    expect(await getOrCompute(state, key, compute, opts)).toBe('first');
  });

  it('a miss while a background refresh runs joins it: one computation at a time', async () => {
    const state = await h.open();
    const key = rkey('aside');
    let running = 0;
    let most = 0;
    let n = 0;
    let release: (() => void) | undefined;
    const compute = async () => {
      running++;
      most = Math.max(most, running);
      try {
        if (n > 0) await new Promise<void>((r) => (release = r)); // refreshes wait for the test
        return ++n;
      } finally {
        running--;
      }
    };
    const opts = { ttl: 50, staleWhileRevalidateMs: 60_000 };
    expect(await getOrCompute(state, key, compute, opts)).toBe(1);
    await sleep(120); // stale
    expect(await getOrCompute(state, key, compute, opts)).toBe(1); // and a refresh is running
    expect(release).toBeDefined();
    await state.delete(key);
    const miss = getOrCompute(state, key, compute, opts);
    await sleep(200); // the miss has read "absent" by now
    release?.();
    expect(await miss).toBe(2);
    expect(most).toBe(1);
    expect(n).toBe(2);
  });

  it('a computation that never settles is given up after computeTimeoutMs', async () => {
    const state = await h.open();
    const key = rkey('aside');
    let signal: AbortSignal | undefined;
    let finish: ((v: string) => void) | undefined;
    const hung = (s: AbortSignal) => {
      signal = s;
      return new Promise<string>((r) => (finish = r));
    };
    const start = Date.now();
    const waiters = await Promise.allSettled(
      Array.from({ length: 5 }, () => getOrCompute(state, key, hung, { computeTimeoutMs: 150 })),
    );
    const took = Date.now() - start;
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(3_000);
    for (const w of waiters) {
      expect(w.status).toBe('rejected');
      const reason = (w as PromiseRejectedResult).reason as Error;
      expect(isStateError(reason, 'ERR_STATE_UNAVAILABLE')).toBe(true);
      expect(reason.message).toContain('computeTimeoutMs');
    }
    expect(signal?.aborted).toBe(true);
    expect(isStateError(signal?.reason, 'ERR_STATE_UNAVAILABLE')).toBe(true);
    finish?.('late');
    await sleep(50);
    expect(await state.exists(key)).toBe(false); // the late result is not cached
    expect(await getOrCompute(state, key, () => 'fresh')).toBe('fresh'); // the key is free
    expect(await getOrCompute(state, key, () => 'again')).toBe('fresh');
  });

  it('a refresh that never settles is given up; the next stale read refreshes again', async () => {
    const state = await h.open();
    const key = rkey('aside');
    const errors: unknown[] = [];
    let calls = 0;
    const compute = (): string | Promise<string> => {
      calls++;
      if (calls === 2) return new Promise<string>(() => {});
      return calls === 1 ? 'first' : 'second';
    };
    const opts = {
      ttl: 50,
      staleWhileRevalidateMs: 60_000,
      computeTimeoutMs: 150,
      onRefreshError: (e: unknown) => errors.push(e),
    };
    expect(await getOrCompute(state, key, compute, opts)).toBe('first');
    await sleep(100);
    expect(await getOrCompute(state, key, compute, opts)).toBe('first'); // starts the hung refresh
    await sleep(400);
    expect(errors).toHaveLength(1);
    expect(isStateError(errors[0], 'ERR_STATE_UNAVAILABLE')).toBe(true);
    expect(await getOrCompute(state, key, compute, opts)).toBe('first'); // refreshes again
    await sleep(200);
    expect(await getOrCompute(state, key, compute, opts)).toBe('second'); // (stale by now)
    expect(calls).toBeGreaterThanOrEqual(3);
  });
});

it('computeTimeoutMs must be a positive whole number', async () => {
  const state = createMapStore().open();
  for (const computeTimeoutMs of [0, -1, 1.5, Number.NaN]) {
    await expect(getOrCompute(state, 'k', () => 1, { computeTimeoutMs })).rejects.toSatisfy((e) =>
      isStateError(e, 'ERR_STATE_INVALID_ARGUMENT'),
    );
  }
});
