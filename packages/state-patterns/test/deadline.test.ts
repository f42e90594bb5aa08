import type { StateManager } from '@pforge/state-core';
import { createMemoryState } from '@pforge/state-memory';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  counter,
  createCachingLayer,
  createFixedWindowLimiter,
  createSessions,
  createSlidingWindowLimiter,
  createTokenBucketLimiter,
  getOrCompute,
} from '../src/index.js';
import { declareLocality, delegate } from './locality.js';
import { createMapStore } from './map-backend.js';
import { rkey, sleep } from './targets.js';

const TIMEOUT_MS = 4_321;

/** Every pattern, each making a few backend calls with `timeoutMs: TIMEOUT_MS`. */
async function useEveryPattern(state: StateManager): Promise<void> {
  const t = { timeoutMs: TIMEOUT_MS };
  await counter(state, rkey('c'), t).increment();
  await counter(state, rkey('c'), t).get();
  await getOrCompute(state, rkey('g'), () => 1, t);
  const sessions = createSessions<number>(state, t);
  const s = await sessions.create(1);
  await sessions.update(s.id, (n) => n + 1);
  await sessions.get(s.id);
  await sessions.touch(s.id);
  await sessions.destroy(s.id);
  const common = { ...t, limit: 1, failurePolicy: 'closed' as const };
  for (const limiter of [
    createFixedWindowLimiter(state, { ...common, windowMs: 60_000 }),
    createSlidingWindowLimiter(state, { ...common, windowMs: 60_000 }),
    createTokenBucketLimiter(state, { ...common, intervalMs: 60_000 }),
  ]) {
    expect((await limiter.consume('a')).allowed).toBe(true);
    expect((await limiter.consume('a')).allowed).toBe(false); // the denial path too
    await limiter.reset('a');
  }
}

/** The timers the patterns arm while `run` runs (any timer of at most TIMEOUT_MS). */
async function timersDuring(run: () => Promise<void>) {
  const armed: unknown[] = [];
  const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
  const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
  try {
    await run();
  } finally {
    vi.restoreAllMocks();
  }
  const ours = (spy: typeof setTimeoutSpy | typeof setIntervalSpy) =>
    spy.mock.calls.flatMap((call, i) =>
      (call[1] ?? 0) <= TIMEOUT_MS ? [spy.mock.results[i]?.value] : [],
    );
  armed.push(...ours(setTimeoutSpy), ...ours(setIntervalSpy));
  return { armed, polling: ours(setIntervalSpy).length };
}

describe('the deadline', () => {
  const open: StateManager[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((m) => m.close()));
  });
  const memory = async (settlesLocally: boolean | undefined) => {
    const ns = rkey('ns');
    const m = await createMemoryState({ namespace: ns });
    open.push(m);
    if (settlesLocally === undefined) return delegate(m); // says nothing about itself
    return settlesLocally
      ? declareLocality(m, 'memory', ns, true)
      : declareLocality(delegate(m), 'memory', ns, false);
  };

  it('arms no timer at all for a store that settles locally (a real memory manager)', async () => {
    const state = await memory(true);
    const { armed } = await timersDuring(() => useEveryPattern(state));
    expect(armed).toEqual([]);
  });

  it('a caching layer follows its backend: no timer over a local store, timers over a remote one', async () => {
    const local = createCachingLayer(await memory(true));
    expect((await timersDuring(() => useEveryPattern(local))).armed).toEqual([]);
    const remote = createCachingLayer(await memory(false));
    const { armed } = await timersDuring(() => useEveryPattern(remote));
    expect(armed.length).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['declares it does not settle locally', false],
    ['says nothing about itself', undefined],
  ] as const)(
    "arms one unref'd timer per pattern instance, not one per call, when the store %s",
    async (_name, local) => {
      const state = await memory(local);
      const { armed, polling } = await timersDuring(() => useEveryPattern(state));
      expect(polling).toBe(0); // no watchdog interval
      // Two counters, getOrCompute on one manager, one session store, three limiters; 23 calls.
      expect(armed.length).toBeGreaterThanOrEqual(1);
      expect(armed.length).toBeLessThanOrEqual(7);
      for (const t of armed) expect((t as NodeJS.Timeout).hasRef()).toBe(false);
    },
  );

  it('settles each call of one instance at its own deadline', async () => {
    const hang = new Proxy(delegate(createMapStore().open()), {
      get: (target, prop) =>
        prop === 'increment' ? () => new Promise<never>(() => {}) : Reflect.get(target, prop),
    });
    const limiter = createFixedWindowLimiter(hang, { limit: 1, windowMs: 60_000, timeoutMs: 400 });
    const start = Date.now();
    const settledAt = (p: Promise<unknown>) => p.then(() => Date.now() - start);
    const first = settledAt(limiter.consume('a'));
    await sleep(300);
    const second = settledAt(limiter.consume('b'));
    const [a, b] = await Promise.all([first, second]);
    expect(a).toBeGreaterThanOrEqual(395);
    expect(a).toBeLessThan(700); // before the second call's deadline: it did not wait for it
    expect(b).toBeGreaterThanOrEqual(695);
    expect(b).toBeLessThan(3_000);
  });

  it('still bounds a store that says nothing about itself (driver base)', async () => {
    const hang = new Proxy(createMapStore().open(), {
      get: (target, prop) =>
        prop === 'increment' ? () => new Promise<never>(() => {}) : Reflect.get(target, prop),
    });
    const start = Date.now();
    const r = await createFixedWindowLimiter(hang, {
      limit: 1,
      windowMs: 1_000,
      timeoutMs: 150,
    }).consume('a');
    expect(r).toMatchObject({ allowed: false, unavailable: true });
    expect(Date.now() - start).toBeLessThan(2_000);
  });
});
