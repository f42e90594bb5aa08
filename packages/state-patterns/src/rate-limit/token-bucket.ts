import { MAX_TTL_MS, type StateManager } from '@pforge/state-core';
import { assertPositiveInt } from '../options.js';
import {
  corruptState,
  createCasLimiter,
  type RateLimiter,
  type RateLimiterOptions,
  resolveLimiterOptions,
} from './limiter.js';

/** Options of {@link createTokenBucketLimiter}. */
export interface TokenBucketOptions extends RateLimiterOptions {
  /**
   * Ms in which an empty bucket refills completely: tokens flow back continuously at
   * `limit / intervalMs` per ms, and a full bucket (`limit` tokens) allows a burst.
   * @example { limit: 10, intervalMs: 1_000 } // 10 per second, bursts of 10
   */
  intervalMs: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Token-bucket rate limiter: each id has a bucket of `limit` tokens refilled continuously
 * over `intervalMs`; a call takes `cost` tokens or is denied. The bucket is one small value
 * (`tokens:updatedAt`) updated by compare-and-swap, so it is exact under any concurrency on
 * every backend; a denial only reads. The key expires when the bucket would be full again.
 * @example
 * const limiter = createTokenBucketLimiter(state, { limit: 10, intervalMs: 1_000 });
 * const r = await limiter.consume('api-key-1', 2);
 */
export function createTokenBucketLimiter(
  state: StateManager,
  options: TokenBucketOptions,
): RateLimiter {
  const b = resolveLimiterOptions(state, options, 'createTokenBucketLimiter', 'rl:tb:');
  const { limit } = b;
  assertPositiveInt(options.intervalMs, 'intervalMs', 'createTokenBucketLimiter()');
  const perMs = limit / options.intervalMs;
  const msFor = (tokens: number) => Math.min(MAX_TTL_MS, Math.max(1, Math.ceil(tokens / perMs)));

  return createCasLimiter(b, (key, bytes, now, cost) => {
    let tokens = limit;
    let stamp = now;
    if (bytes !== undefined) {
      const parts = decoder.decode(bytes).split(':');
      const [t, at] = parts.map(Number) as [number, number];
      if (parts.length !== 2 || !Number.isFinite(t) || t < 0 || !Number.isSafeInteger(at))
        throw corruptState(b, key);
      tokens = Math.min(limit, t + Math.max(0, now - at) * perMs);
      stamp = Math.max(at, now); // a clock behind another process's never refills twice
    }
    if (tokens < cost) {
      return {
        result: {
          allowed: false,
          remaining: Math.floor(tokens),
          resetMs: msFor(limit - tokens),
          retryAfterMs: msFor(cost - tokens),
          limit,
        },
      };
    }
    const left = tokens - cost;
    return {
      next: encoder.encode(`${left}:${stamp}`),
      ttl: msFor(limit - left),
      result: {
        allowed: true,
        remaining: Math.floor(left),
        resetMs: left >= limit ? 0 : msFor(limit - left),
        retryAfterMs: 0,
        limit,
      },
    };
  });
}
