import type { StateManager } from '@pforge/state-core';
import { noProgress, type Progress } from './progress.js';
import { countForProgress, readLive } from './reader.js';

/** Upper bounds (inclusive, bytes) of the value size buckets; the last bucket is open. */
export const SIZE_BUCKETS = [0, 64, 256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576] as const;

/** How soon keys expire; each count includes the shorter horizons (cumulative). */
export interface TtlDistribution {
  /** Keys that expire within a minute. */
  within_1m: number;
  /** Keys that expire within an hour (the minute's included). */
  within_1h: number;
  /** Keys that expire within a day (the hour's included). */
  within_1d: number;
  /** Keys that expire later than a day from now. */
  later: number;
  /** Keys without expiry. */
  never: number;
}

/** What {@link collectStats} counts over the live keys. */
export interface StoreStats {
  /** Live keys. */
  keys: number;
  /** Value bytes in all (keys and backend overhead not included). */
  valueBytes: number;
  /** The smallest value, in bytes (0 when there is no key). */
  minValueBytes: number;
  /** The largest value, in bytes (0 when there is no key). */
  maxValueBytes: number;
  /** Value sizes: `count` values of at most `le` bytes (and more than the previous bucket's); `le: null` is the open last bucket. */
  sizes: { le: number | null; count: number }[];
  /** When keys expire. */
  ttl: TtlDistribution;
  /** Stopped by the signal: the figures cover the keys read so far. */
  interrupted: boolean;
}

const MINUTE = 60_000;

function bucketOf(size: number): number {
  const i = SIZE_BUCKETS.findIndex((le) => size <= le);
  return i === -1 ? SIZE_BUCKETS.length : i;
}

interface Tally {
  keys: number;
  valueBytes: number;
  minValueBytes: number;
  maxValueBytes: number;
  buckets: number[];
  ttl: TtlDistribution;
}

function tally(t: Tally, size: number, expiresAt: number | null, now: number): void {
  t.keys++;
  t.valueBytes += size;
  t.minValueBytes = Math.min(t.minValueBytes, size);
  t.maxValueBytes = Math.max(t.maxValueBytes, size);
  t.buckets[bucketOf(size)]!++;
  const left = expiresAt === null ? Number.POSITIVE_INFINITY : expiresAt - now;
  if (expiresAt === null) t.ttl.never++;
  else if (left > 24 * 60 * MINUTE) t.ttl.later++;
  if (left <= MINUTE) t.ttl.within_1m++;
  if (left <= 60 * MINUTE) t.ttl.within_1h++;
  if (left <= 24 * 60 * MINUTE) t.ttl.within_1d++;
}

/**
 * Reads every live key (optionally under a prefix) once, in chunks, in constant memory, and
 * counts keys, value sizes and how soon they expire. With `progress`, the keys are also counted
 * (listing only) once the run has lasted a second, for the ETA.
 */
export async function collectStats(
  state: StateManager,
  options: { prefix?: string; batchSize?: number; signal?: AbortSignal; progress?: Progress } = {},
): Promise<StoreStats> {
  const progress = options.progress ?? noProgress;
  const t: Tally = {
    keys: 0,
    valueBytes: 0,
    minValueBytes: Number.POSITIVE_INFINITY,
    maxValueBytes: 0,
    buckets: new Array<number>(SIZE_BUCKETS.length + 1).fill(0),
    ttl: { within_1m: 0, within_1h: 0, within_1d: 0, later: 0, never: 0 },
  };
  const counting = options.progress
    ? countForProgress(state, options.prefix, progress, options.signal)
    : undefined;
  try {
    const chunks = readLive(state, {
      chunkSize: options.batchSize ?? 1000,
      ...(options.prefix ? { prefix: options.prefix } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for await (const { entries } of chunks) {
      const now = Date.now();
      for (const e of entries) tally(t, e.value.byteLength, e.expiresAt, now);
      progress.update(t.keys);
    }
  } finally {
    await counting?.stop();
  }
  const { buckets, ...figures } = t;
  const sizes = buckets.map((count, i) => ({ le: SIZE_BUCKETS[i] ?? null, count }));
  if (t.keys === 0) figures.minValueBytes = 0;
  return { ...figures, sizes, interrupted: options.signal?.aborted === true };
}
