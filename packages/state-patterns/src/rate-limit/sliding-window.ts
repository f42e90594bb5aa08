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

/** Options of {@link createSlidingWindowLimiter}. */
export interface SlidingWindowOptions extends RateLimiterOptions {
  /** Length of the sliding window in ms. */
  windowMs: number;
  /**
   * How many sub-windows the window is counted in. The limiter errs on the strict side: a
   * call sees everything admitted in the last `windowMs` plus at most one sub-window more,
   * so more precision means less over-strictness and a slightly larger stored value.
   * @default 10
   */
  precision?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Stored form: `bucket:count` pairs (absolute sub-window index), comma-separated. */
function parse(bytes: Uint8Array | undefined): [number, number][] | undefined {
  if (bytes === undefined) return [];
  const out: [number, number][] = [];
  for (const pair of decoder.decode(bytes).split(',')) {
    const i = pair.indexOf(':');
    const entry: [number, number] = [Number(pair.slice(0, i)), Number(pair.slice(i + 1))];
    if (i < 1 || !Number.isSafeInteger(entry[0]) || !Number.isSafeInteger(entry[1]) || entry[1] < 0)
      return undefined;
    out.push(entry);
  }
  return out;
}

/**
 * Sliding-window rate limiter: at most `limit` cost per id in any span of `windowMs`,
 * exactly, under any concurrency, on every backend. The id's usage is one small value of
 * per-sub-window counts updated by compare-and-swap (a denial only reads). Calls for one id
 * contend on that value, so under heavy concurrency for a single id the retries cost more
 * backend calls than the fixed window's single increment.
 * @example
 * const limiter = createSlidingWindowLimiter(state, { limit: 20, windowMs: 10_000 });
 * if (!(await limiter.consume(clientId)).allowed) throw new Error('slow down');
 */
export function createSlidingWindowLimiter(
  state: StateManager,
  options: SlidingWindowOptions,
): RateLimiter {
  const b = resolveLimiterOptions(state, options, 'createSlidingWindowLimiter', 'rl:sw:');
  const { limit } = b;
  const where = 'createSlidingWindowLimiter()';
  assertPositiveInt(options.windowMs, 'windowMs', where);
  const precision = options.precision ?? 10;
  assertPositiveInt(precision, 'precision', where);
  const bucketMs = Math.max(1, Math.ceil(options.windowMs / precision));
  const ttl = Math.min((precision + 2) * bucketMs, MAX_TTL_MS);

  const w: SlidingWindow = { limit, precision, bucketMs, ttl };
  return createCasLimiter(b, (key, bytes, now, cost) => {
    const parsed = parse(bytes);
    if (parsed === undefined) throw corruptState(b, key);
    return decide(w, parsed, now, cost);
  });
}

interface SlidingWindow {
  limit: number;
  precision: number;
  bucketMs: number;
  /** The stored value's ttl: the window plus two sub-windows. */
  ttl: number;
}

/** Admits `cost` at `now` if the last window's buckets leave room, adding it to the current one. */
function decide(w: SlidingWindow, buckets: [number, number][], now: number, cost: number): CasStep {
  const { limit, precision, bucketMs } = w;
  const cur = Math.floor(now / bucketMs);
  // Buckets cur-precision..cur cover at least [now - windowMs, now].
  const live = buckets.filter(([i]) => i > cur - precision - 1);
  const used = live.reduce((sum, [, c]) => sum + c, 0);
  const dropsAt = (i: number) => (i + precision + 1) * bucketMs - now;
  if (used + cost > limit) {
    const newest = live.length ? Math.max(...live.map(([i]) => i)) : cur;
    const result: RateLimitResult = {
      allowed: false,
      remaining: Math.max(0, limit - used),
      resetMs: dropsAt(newest),
      retryAfterMs: retryAfter(live, used + cost - limit, dropsAt),
      limit,
    };
    return { result };
  }
  const mine = live.find(([i]) => i === cur);
  if (mine) mine[1] += cost;
  else live.push([cur, cost]);
  const next = encoder.encode(live.map(([i, c]) => `${i}:${c}`).join(','));
  const result: RateLimitResult = {
    allowed: true,
    remaining: limit - used - cost,
    resetMs: dropsAt(cur),
    retryAfterMs: 0,
    limit,
  };
  return { next, ttl: w.ttl, result };
}

/** Ms until the oldest buckets holding at least `excess` cost have left the window. */
function retryAfter(
  live: [number, number][],
  excess: number,
  dropsAt: (i: number) => number,
): number {
  let freed = 0;
  for (const [i, c] of [...live].sort((x, y) => x[0] - y[0])) {
    freed += c;
    if (freed >= excess) return Math.max(1, dropsAt(i));
  }
  return 1;
}
