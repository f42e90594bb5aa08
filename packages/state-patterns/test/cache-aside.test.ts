import { expect, it, vi } from 'vitest';
import { getOrCompute } from '../src/index.js';
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
});
