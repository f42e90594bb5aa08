import { isStateError, StateError, type StateInfo, type StateManager } from '@pforge/state-core';
import { attachStateInfo } from '@pforge/state-core/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  counter,
  createFixedWindowLimiter,
  createSessions,
  createSlidingWindowLimiter,
  createTokenBucketLimiter,
  getOrCompute,
} from '../src/index.js';
import { delegate } from './locality.js';
import { createMapStore } from './map-backend.js';

/** How a broken manager describes itself: not at all, or as a remote store (as Redis does). */
const remote: StateInfo = {
  backend: 'broken',
  source: 'test',
  namespace: 'pforge',
  settlesLocally: false,
};
let declares: StateInfo | undefined;

/** A manager whose every call hangs forever, or rejects as unavailable. */
function broken(mode: 'hang' | 'down'): StateManager {
  const fail = () =>
    mode === 'hang'
      ? new Promise<never>(() => {})
      : Promise.reject(new StateError('ERR_STATE_UNAVAILABLE', '[test] backend down'));
  const manager = delegate(createMapStore().open());
  if (declares) attachStateInfo(manager, declares);
  return new Proxy(manager, {
    get: (target, prop) =>
      prop === 'close' || typeof prop === 'symbol' ? Reflect.get(target, prop) : fail,
  });
}

const makers = {
  'fixed window': (s: StateManager, failurePolicy: 'open' | 'closed' | undefined) =>
    createFixedWindowLimiter(s, { limit: 5, windowMs: 1000, timeoutMs: 200, failurePolicy }),
  'sliding window': (s: StateManager, failurePolicy: 'open' | 'closed' | undefined) =>
    createSlidingWindowLimiter(s, { limit: 5, windowMs: 1000, timeoutMs: 200, failurePolicy }),
  'token bucket': (s: StateManager, failurePolicy: 'open' | 'closed' | undefined) =>
    createTokenBucketLimiter(s, { limit: 5, intervalMs: 1000, timeoutMs: 200, failurePolicy }),
};

async function timed<T>(p: Promise<T>): Promise<[T, number]> {
  const start = Date.now();
  return [await p, Date.now() - start];
}

describe.each([
  ['says nothing about itself', undefined],
  ['declares it does not settle locally', remote],
] as const)('a manager that %s', (_says, info) => {
  beforeAll(() => {
    declares = info;
  });
  afterAll(() => {
    declares = undefined;
  });
  describe.each(['hang', 'down'] as const)('backend %s', (mode) => {
    describe.each(Object.entries(makers))('%s', (_name, make) => {
      it('fails closed by default, within the timeout', async () => {
        const [r, ms] = await timed(make(broken(mode), undefined).consume('c'));
        expect(r).toMatchObject({ allowed: false, unavailable: true, remaining: 0 });
        expect(r.retryAfterMs).toBeGreaterThan(0);
        expect(ms, 'settle time').toBeLessThan(mode === 'hang' ? 1_000 : 300);
        if (mode === 'hang') expect(ms, 'settle time').toBeGreaterThanOrEqual(190);
      });

      it('fails open when asked to', async () => {
        const [r, ms] = await timed(make(broken(mode), 'open').consume('c'));
        expect(r).toMatchObject({ allowed: true, unavailable: true, retryAfterMs: 0 });
        expect(ms).toBeLessThan(1_000);
      });
    });

    it('sessions reject with ERR_STATE_UNAVAILABLE within the timeout', async () => {
      const sessions = createSessions(broken(mode), { timeoutMs: 200 });
      const start = Date.now();
      const id = 'A'.repeat(32);
      for (const p of [
        sessions.create({}),
        sessions.get(id),
        sessions.update(id, (d) => d),
        sessions.touch(id),
        sessions.destroy(id),
      ]) {
        await expect(p).rejects.toSatisfy((e) => isStateError(e, 'ERR_STATE_UNAVAILABLE'));
      }
      expect(Date.now() - start).toBeLessThan(1_500);
    });

    it('getOrCompute computes uncached when open (default), rejects when closed', async () => {
      const state = broken(mode);
      expect(await getOrCompute(state, 'k', () => 7, { timeoutMs: 200 })).toBe(7);
      await expect(
        getOrCompute(state, 'k', () => 7, { timeoutMs: 200, failurePolicy: 'closed' }),
      ).rejects.toSatisfy((e) => isStateError(e, 'ERR_STATE_UNAVAILABLE'));
    });

    it('counter rejects within the timeout', async () => {
      await expect(counter(broken(mode), 'n', { timeoutMs: 200 }).increment()).rejects.toSatisfy(
        (e) => isStateError(e, 'ERR_STATE_UNAVAILABLE'),
      );
    });
  });
});

it('a closed manager is a bug, not an outage: consume rejects', async () => {
  const state = createMapStore().open();
  await state.close();
  await expect(
    createFixedWindowLimiter(state, { limit: 1, windowMs: 1000, failurePolicy: 'open' }).consume(
      'c',
    ),
  ).rejects.toSatisfy((e) => isStateError(e, 'ERR_STATE_CLOSED'));
});

it.each([
  [
    'sliding window',
    (s: StateManager) => createSlidingWindowLimiter(s, { limit: 5, windowMs: 1000, prefix: 'p:' }),
  ],
  [
    'token bucket',
    (s: StateManager) => createTokenBucketLimiter(s, { limit: 5, intervalMs: 1000, prefix: 'p:' }),
  ],
])('%s refuses, rather than admits on, a state it did not write', async (_name, make) => {
  const state = createMapStore().open();
  await state.set('p:c', new TextEncoder().encode('not-a-limiter-state'));
  await expect(make(state).consume('c')).rejects.toSatisfy((e) =>
    isStateError(e, 'ERR_STATE_SERIALIZATION'),
  );
});
