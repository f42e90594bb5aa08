import { MAX_TTL_MS, type StateManager } from '@pforge/state-core';
import { assertPositiveInt } from '../options.js';
import {
  type CasStep,
  corruptState,
  createCasLimiter,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitResult,
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
    const bucket = { tokens: limit, stamp: now };
    if (bytes !== undefined) {
      const stored = parse(bytes);
      if (stored === undefined) throw corruptState(b, key);
      bucket.tokens = Math.min(limit, stored.tokens + Math.max(0, now - stored.stamp) * perMs);
      bucket.stamp = Math.max(stored.stamp, now); // a clock behind another process's never refills twice
    }
    return take(limit, msFor, bucket, cost);
  });
}

/** Stored form: `tokens:updatedAt` (tokens may be fractional; updatedAt in epoch ms). */
function parse(bytes: Uint8Array): { tokens: number; stamp: number } | undefined {
  const parts = decoder.decode(bytes).split(':');
  const [tokens, stamp] = parts.map(Number) as [number, number];
  if (parts.length !== 2 || !Number.isFinite(tokens) || tokens < 0 || !Number.isSafeInteger(stamp))
    return undefined;
  return { tokens, stamp };
}

/** Takes `cost` from the refilled `bucket`, or denies when it holds fewer tokens. */
function take(
  limit: number,
  msFor: (tokens: number) => number,
  { tokens, stamp }: { tokens: number; stamp: number },
  cost: number,
): CasStep {
  if (tokens < cost) {
    const result: RateLimitResult = {
      allowed: false,
      remaining: Math.floor(tokens),
      resetMs: msFor(limit - tokens),
      retryAfterMs: msFor(cost - tokens),
      limit,
    };
    return { result };
  }
  const left = tokens - cost;
  const result: RateLimitResult = {
    allowed: true,
    remaining: Math.floor(left),
    resetMs: left >= limit ? 0 : msFor(limit - left),
    retryAfterMs: 0,
    limit,
  };
  return { next: encoder.encode(`${left}:${stamp}`), ttl: msFor(limit - left), result };
}
