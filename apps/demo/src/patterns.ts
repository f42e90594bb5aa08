import type { StateManager } from '@pforge/state-core';
import {
  type Counter,
  counter,
  createSlidingWindowLimiter,
  getOrCompute,
  type RateLimiter,
} from '@pforge/state-patterns';
import { PING_LIMIT, PING_WINDOW_MS, PRIME_CACHE_TTL_MS } from './settings.js';

/** The patterns of @pforge/state-patterns the tools use, all on one state. */
export interface DemoPatterns {
  /** The counter `name` (key `counter:<name>`). */
  counter(name: string): Counter;
  /** {@link PING_LIMIT} calls per {@link PING_WINDOW_MS} per caller (keys `ping:<caller>`). */
  pingLimiter: RateLimiter;
  /**
   * Cache-aside for `nth_prime` (keys `cache:<key>`, kept {@link PRIME_CACHE_TTL_MS}): the
   * cached value, or `compute()`'s, saying which.
   */
  cached(
    key: string,
    compute: () => Promise<number>,
  ): Promise<{ value: number; fromCache: boolean }>;
}

/** Sets up the patterns on `state` (key prefixes keep them apart in the namespace). */
export function createDemoPatterns(state: StateManager): DemoPatterns {
  return {
    counter: (name) => counter(state, `counter:${name}`),
    pingLimiter: createSlidingWindowLimiter(state, {
      limit: PING_LIMIT,
      windowMs: PING_WINDOW_MS,
      // 200 ms sub-windows: a refusal's retry time overshoots the exact one by at most that.
      precision: 50,
      prefix: 'ping:',
    }),
    cached: async (key, compute) => {
      // getOrCompute calls `compute` only on a miss (and once per key at a time in a process).
      let computed = false;
      const value = await getOrCompute(
        state,
        `cache:${key}`,
        () => {
          computed = true;
          return compute();
        },
        { ttl: PRIME_CACHE_TTL_MS },
      );
      return { value, fromCache: !computed };
    },
  };
}
