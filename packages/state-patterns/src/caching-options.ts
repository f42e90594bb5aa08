import { assertPositiveInt } from './options.js';

/** Options of `createCachingLayer`. */
export interface CachingLayerOptions {
  /**
   * Most entries kept in memory; the least recently used goes first.
   * @default 10000
   */
  maxEntries?: number;
  /**
   * Most bytes kept in memory (value bytes + 2 per key character + 64 per entry); the least
   * recently used goes first, and a value larger than this is never cached.
   * @default 33554432 (32 MiB)
   */
  maxBytes?: number;
  /**
   * How long an entry is served from memory before it is read from the backend again, in
   * ms: the staleness bound for writes made by OTHER managers or processes (this layer's
   * own writes update it at once). `null` keeps entries until evicted, expired or
   * overwritten: right only when this layer is the backend's only writer.
   * @default 1000
   */
  maxAgeMs?: number | null;
  /**
   * Whether "absent" is cached too (bounded by `maxAgeMs` like values).
   * @default true
   */
  cacheMisses?: boolean;
}

/** Counters of a caching layer (see `createCachingLayer`). */
export interface CacheStats {
  /** Reads answered from memory. */
  hits: number;
  /** Reads that went to the backend. */
  misses: number;
  /** Entries dropped to stay within `maxEntries`/`maxBytes`. */
  evictions: number;
  /** Entries held now. */
  entries: number;
  /** Bytes held now (as counted for `maxBytes`). */
  bytes: number;
}

/** The options with every default applied. */
export type ResolvedCachingOptions = Required<CachingLayerOptions>;

/** Checks the options of `createCachingLayer` and applies the defaults. */
export function resolveOptions(options: CachingLayerOptions): ResolvedCachingOptions {
  const where = 'createCachingLayer()';
  const maxEntries = options.maxEntries ?? 10_000;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  assertPositiveInt(maxEntries, 'maxEntries', where);
  assertPositiveInt(maxBytes, 'maxBytes', where);
  const maxAgeMs = options.maxAgeMs === undefined ? 1_000 : options.maxAgeMs;
  if (maxAgeMs !== null) assertPositiveInt(maxAgeMs, 'maxAgeMs', where);
  return { maxEntries, maxBytes, maxAgeMs, cacheMisses: options.cacheMisses ?? true };
}
