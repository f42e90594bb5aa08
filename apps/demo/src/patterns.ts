import type { StateManager } from '@pforge/state-core';
import {
  counter,
  createSessions,
  createSlidingWindowLimiter,
  getOrCompute,
} from '@pforge/state-patterns';
import { PRIME_CACHE_TTL_MS } from './tools/nth-prime.js';
import { PING_LIMIT, PING_WINDOW_MS } from './tools/rate-limited-ping.js';
import { SESSION_IDLE_MS } from './tools/session-create.js';

/** A named counter as the `counter` tool uses it. */
export interface DemoCounter {
  increment(by: number): Promise<number>;
  get(): Promise<number>;
  /** Sets the counter back to 0; resolves 0. */
  reset(): Promise<number>;
}

/** What the rate limiter decided for one call. */
export interface LimitDecision {
  allowed: boolean;
  remaining: number;
  /** How long until a call would be admitted, in ms (0 when allowed). */
  retryAfterMs: number;
  /** The backend was unavailable and the limiter's failure policy (closed) decided. */
  unavailable: boolean;
}

/** The patterns of @pforge/state-patterns the tools use, set up on one state. */
export interface DemoPatterns {
  counter(name: string): DemoCounter;
  sessions: {
    create(data: Record<string, unknown>): Promise<{ id: string; expiresAt: number }>;
    get(id: string): Promise<Record<string, unknown> | undefined>;
    destroy(id: string): Promise<boolean>;
  };
  pingLimiter: { consume(caller: string): Promise<LimitDecision> };
  primeCache: {
    /** The cached value at `key`, or `compute()`'s (then cached); says which. */
    getOrCompute(
      key: string,
      compute: () => Promise<number>,
    ): Promise<{ value: number; fromCache: boolean }>;
  };
}

/** Sets up the patterns on `state` (key prefixes keep them apart in the namespace). */
export function createDemoPatterns(state: StateManager): DemoPatterns {
  const sessions = createSessions<Record<string, unknown>>(state, {
    ttlMs: SESSION_IDLE_MS,
    rolling: true,
    touchOnGet: true,
  });
  const limiter = createSlidingWindowLimiter(state, {
    limit: PING_LIMIT,
    windowMs: PING_WINDOW_MS,
    // 200 ms sub-windows: a refusal's retry time overshoots the exact one by at most that.
    precision: 50,
    prefix: 'ping:',
  });
  return {
    counter: (name) => {
      const c = counter(state, `counter:${name}`);
      return {
        increment: (by) => c.increment(by),
        get: () => c.get(),
        reset: async () => {
          await c.reset();
          return 0;
        },
      };
    },
    sessions: {
      create: (data) => sessions.create(data),
      get: async (id) => (await sessions.get(id))?.data,
      destroy: (id) => sessions.destroy(id),
    },
    pingLimiter: {
      consume: async (caller) => {
        const r = await limiter.consume(caller);
        return {
          allowed: r.allowed,
          remaining: r.remaining,
          retryAfterMs: r.retryAfterMs,
          unavailable: r.unavailable === true,
        };
      },
    },
    primeCache: {
      getOrCompute: async (key, compute) => {
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
    },
  };
}
