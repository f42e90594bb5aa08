import { MAX_TTL_MS, type SetOptions, type StateManager } from '@pforge/state-core';
import { assertPositiveInt, type Deadline, settleWithin, within } from '../deadline.js';
import {
  assertCost,
  assertId,
  callDeadline,
  onFailure,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitResult,
  resolveLimiterOptions,
} from './limiter.js';

/** Options of {@link createFixedWindowLimiter}. */
export interface FixedWindowOptions extends RateLimiterOptions {
  /** Length of a window in ms; windows are aligned to the epoch (every process agrees). */
  windowMs: number;
}

/**
 * Fixed-window rate limiter: at most `limit` cost per id in each `windowMs` window aligned to
 * the epoch. One atomic `increment` per call (ttl set when the window's key is created), so
 * it is exact under any concurrency on every backend: the n-th unit of cost in a window is
 * admitted only if n ≤ limit. A denied call takes its cost back with a negative increment
 * (one more backend call on denial), so a denial never uses up allowance. Bursts of up to
 * 2 × limit can straddle a window boundary; use the sliding window when that matters.
 * @example
 * const limiter = createFixedWindowLimiter(state, { limit: 100, windowMs: 60_000 });
 * const { allowed, retryAfterMs } = await limiter.consume(`user:${userId}`);
 */
export function createFixedWindowLimiter(
  state: StateManager,
  options: FixedWindowOptions,
): RateLimiter {
  const b = resolveLimiterOptions(state, options, 'createFixedWindowLimiter', 'rl:fw:');
  const { limit, prefix } = b;
  const windowMs = options.windowMs;
  assertPositiveInt(windowMs, 'windowMs', 'createFixedWindowLimiter()');
  // The key lives one window past its window's end, so a process whose clock lags a little
  // never re-creates a window that another process already let expire.
  const setOptions: SetOptions = { ttl: Math.min(2 * windowMs, MAX_TTL_MS) };

  const deny = async (
    d: Deadline,
    key: string,
    n: number,
    cost: number,
    resetMs: number,
  ): Promise<RateLimitResult> => {
    try {
      await within(d, state.increment(key, -cost, setOptions));
    } catch {
      // Not taking the cost back only over-counts: the limit still holds.
    }
    return {
      allowed: false,
      remaining: Math.max(0, limit - (n - cost)),
      resetMs,
      retryAfterMs: resetMs,
      limit,
    };
  };

  // Not `async`: one promise per call on the hot path (see settleWithin).
  const consume = (id: string, cost = 1): Promise<RateLimitResult> => {
    try {
      if (cost !== 1) assertCost(cost, b);
      assertId(id, b);
    } catch (err) {
      return Promise.reject(err);
    }
    const now = Date.now();
    const win = Math.floor(now / windowMs);
    const key = `${prefix}${id}:${win}`;
    const resetMs = (win + 1) * windowMs - now;
    const d = callDeadline(b, 'consume');
    let added: Promise<number>;
    try {
      added = state.increment(key, cost, setOptions);
    } catch (err) {
      added = Promise.reject(err); // a manager that breaks the "never throw synchronously" rule
    }
    return settleWithin(
      d,
      added,
      (n): RateLimitResult | Promise<RateLimitResult> =>
        n <= limit
          ? { allowed: true, remaining: limit - n, resetMs, retryAfterMs: 0, limit }
          : deny(d, key, n, cost, resetMs),
      (err) => onFailure(b, cost, err),
    );
  };

  return {
    consume,
    reset: async (id) => {
      assertId(id, b);
      const win = Math.floor(Date.now() / windowMs);
      await within(
        callDeadline(b, 'reset'),
        state.deleteMany([`${prefix}${id}:${win}`, `${prefix}${id}:${win - 1}`]),
      );
    },
  };
}
