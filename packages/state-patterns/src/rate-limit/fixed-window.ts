import { MAX_TTL_MS, type SetOptions, type StateManager } from '@pforge/state-core';
import { type Deadline, within } from '../deadline.js';
import { assertPositiveInt } from '../options.js';
import {
  assertCost,
  assertId,
  callDeadline,
  type LimiterBase,
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
  const windowMs = options.windowMs;
  assertPositiveInt(windowMs, 'windowMs', 'createFixedWindowLimiter()');
  // The key lives one window past its window's end, so a process whose clock lags a little
  // never re-creates a window that another process already let expire.
  const setOptions: SetOptions = { ttl: Math.min(2 * windowMs, MAX_TTL_MS) };
  const window = new FixedWindow(b, windowMs, setOptions);
  return {
    consume: (id, cost) => window.consume(id, cost),
    reset: async (id) => {
      assertId(id, b);
      const win = Math.floor(Date.now() / windowMs);
      const keys = [`${b.prefix}${id}:${win}`, `${b.prefix}${id}:${win - 1}`];
      await within(callDeadline(b, 'reset'), state.deleteMany(keys));
    },
  };
}

/** `consume`: one `increment` of the current window's key, and one more to undo a denial. */
class FixedWindow {
  constructor(
    private readonly b: LimiterBase,
    private readonly windowMs: number,
    private readonly setOptions: SetOptions,
  ) {}

  // An `async` method rather than `.then` callbacks: its locals need no closure per call.
  async consume(id: string, cost = 1): Promise<RateLimitResult> {
    const { b, windowMs } = this;
    if (cost !== 1) assertCost(cost, b);
    assertId(id, b);
    const now = Date.now();
    const win = Math.floor(now / windowMs);
    const key = `${b.prefix}${id}:${win}`;
    const resetMs = (win + 1) * windowMs - now;
    // A store that settles locally needs no deadline: the bare increment is the hot path.
    const d = b.timer === undefined ? undefined : callDeadline(b, 'consume');
    let n: number;
    try {
      // (a manager that throws synchronously, against the contract, lands here too)
      const added = b.state.increment(key, cost, this.setOptions);
      n = await (d === undefined ? added : within(d, added));
    } catch (err) {
      return onFailure(b, cost, err);
    }
    return n <= b.limit ? admitted(b.limit, n, resetMs) : this.deny(d, key, n, cost, resetMs);
  }

  /** Takes a denied call's cost back, so a denial never uses up allowance. */
  private async deny(
    d: Deadline | undefined,
    key: string,
    n: number,
    cost: number,
    resetMs: number,
  ): Promise<RateLimitResult> {
    try {
      const undo = this.b.state.increment(key, -cost, this.setOptions);
      await (d === undefined ? undo : within(d, undo));
    } catch {
      // Not taking the cost back only over-counts: the limit still holds.
    }
    return denied(this.b.limit, n - cost, resetMs);
  }
}

const admitted = (limit: number, n: number, resetMs: number): RateLimitResult => ({
  allowed: true,
  remaining: limit - n,
  resetMs,
  retryAfterMs: 0,
  limit,
});

const denied = (limit: number, used: number, resetMs: number): RateLimitResult => ({
  allowed: false,
  remaining: Math.max(0, limit - used),
  resetMs,
  retryAfterMs: resetMs,
  limit,
});
