import {
  copyBytes,
  type Entry,
  isValidKey,
  type PrefixOptions,
  type SetOptions,
  StateError,
  type StateManager,
} from '@pforge/state-core';
import { LRUCache } from 'lru-cache';
import { assertPositiveInt, SOURCE } from './deadline.js';
import { KeyEpochs } from './key-epochs.js';

/** Options of {@link createCachingLayer}. */
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

/** Counters of a {@link CachingLayer}. */
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

/** A {@link StateManager} that answers reads from a bounded in-memory cache in front of another. */
export interface CachingLayer extends StateManager {
  /** The manager behind the cache. */
  readonly backend: StateManager;
  /** Hit/miss/eviction counters and the current size. */
  stats(): CacheStats;
  /** Drops `key` (or everything) from memory only; the backend is untouched. */
  invalidate(key?: string): void;
}

interface Cached {
  value: Uint8Array | undefined;
  expiresAt: number;
}

const ENTRY_OVERHEAD = 64;

/**
 * A caching layer: `backend` with a bounded LRU cache in front of it. Reads (`get`,
 * `getMany`, `exists`) are served from memory when possible; everything else goes to the
 * backend. Its own `set`, `delete`, `compareAndSwap`, batches, `increment`, `expire` and
 * `clear` update or invalidate the cache as soon as they resolve, so a read that starts
 * afterwards sees them. An entry is never served past the backend's expiry of the value it
 * holds, and never longer than `maxAgeMs` after it was read (the bound for other writers).
 * `close()` drops the cache; the backend is borrowed and stays open.
 * @example
 * const cached = createCachingLayer(redisState, { maxEntries: 50_000, maxAgeMs: 500 });
 * await cached.get('config'); // backend
 * await cached.get('config'); // memory
 */
export function createCachingLayer(
  backend: StateManager,
  options: CachingLayerOptions = {},
): CachingLayer {
  const o = resolveOptions(options);
  const stats = { hits: 0, misses: 0, evictions: 0 };
  const lru = new LRUCache<string, Cached>({
    max: o.maxEntries,
    maxSize: o.maxBytes,
    sizeCalculation: (c, key) => (c.value?.byteLength ?? 0) + key.length * 2 + ENTRY_OVERHEAD,
    dispose: (_v, _k, reason) => {
      if (reason === 'evict') stats.evictions++;
    },
  });
  const epochs = new KeyEpochs();
  let closed = false;

  const cap = (expiresAt: number) =>
    o.maxAgeMs === null ? expiresAt : Math.min(expiresAt, Date.now() + o.maxAgeMs);
  const put = (key: string, value: Uint8Array | undefined, expiresAt: number) => {
    if (value === undefined && !o.cacheMisses) lru.delete(key);
    else lru.set(key, { value, expiresAt: cap(expiresAt) });
  };
  const fresh = (key: string): Cached | undefined => {
    const c = lru.get(key);
    if (c === undefined) return undefined;
    if (c.expiresAt > Date.now()) return c;
    lru.delete(key);
    return undefined;
  };
  const guard = (op: string) => {
    if (closed)
      throw new StateError(
        'ERR_STATE_CLOSED',
        `[${SOURCE}] caching layer: ${op}() called after close()`,
      );
  };

  /** Reads `keys` from the backend with their expiry, filling the cache where safe. */
  const fetch = async (keys: readonly string[]): Promise<(Uint8Array | undefined)[]> => {
    stats.misses += keys.length;
    const tokens = keys.map((k) => epochs.beginRead(k));
    const t0 = Date.now();
    let values: (Uint8Array | undefined)[] = [];
    let ttls: (number | null | undefined)[] = [];
    try {
      const got =
        keys.length === 1 ? backend.get(keys[0]!).then((v) => [v]) : backend.getMany(keys);
      [values, ttls] = await Promise.all([got, Promise.all(keys.map((k) => backend.ttl(k)))]);
    } finally {
      keys.forEach((k, i) => {
        const fill = epochs.endRead(k, tokens[i]!) && values.length > 0;
        const v = values[i];
        const left = ttls[i];
        if (!fill || (v === undefined) !== (left === undefined)) return;
        put(
          k,
          v === undefined ? undefined : copyBytes(v),
          left == null ? Number.POSITIVE_INFINITY : t0 + left,
        );
      });
    }
    return values;
  };
  const read = async (key: string): Promise<Uint8Array | undefined> => {
    guard('get');
    const c = fresh(key);
    if (c) {
      stats.hits++;
      return c.value === undefined ? undefined : copyBytes(c.value);
    }
    if (!isValidKey(key)) return backend.get(key); // the backend reports the bad key
    return (await fetch([key]))[0];
  };
  /** Runs a write; on success `after` may fill the cache (when no other write overlapped). */
  const write = async <T>(
    op: string,
    key: string,
    run: () => Promise<T>,
    after?: (r: T, t0: number) => void,
  ): Promise<T> => {
    guard(op);
    const e = epochs.beginWrite(key);
    lru.delete(key);
    const t0 = Date.now();
    let latest = false;
    try {
      const r = await run();
      latest = epochs.endWrite(key, e);
      if (latest && after) after(r, t0);
      return r;
    } catch (err) {
      if (!latest) epochs.endWrite(key, e);
      throw err;
    } finally {
      if (!latest) lru.delete(key);
    }
  };
  const expiryOf = (t0: number, ttl: number | undefined) =>
    ttl === undefined ? Number.POSITIVE_INFINITY : t0 + ttl;

  const layer: CachingLayer = {
    backend,
    get: read,
    exists: async (key) => (await read(key)) !== undefined,
    getMany: async (keys) => {
      guard('getMany');
      if (!Array.isArray(keys) || !keys.every(isValidKey)) return backend.getMany(keys);
      const out: (Uint8Array | undefined)[] = [];
      const missing: number[] = [];
      keys.forEach((k, i) => {
        const c = fresh(k);
        if (c) {
          stats.hits++;
          out[i] = c.value === undefined ? undefined : copyBytes(c.value);
        } else missing.push(i);
      });
      if (missing.length === keys.length) return fetch(keys);
      if (missing.length === 0) return out;
      const got = await fetch(missing.map((i) => keys[i]!));
      missing.forEach((i, j) => {
        out[i] = got[j];
      });
      return out;
    },
    set: (key, value, opts?: SetOptions) =>
      write(
        'set',
        key,
        () => backend.set(key, value, opts),
        (_r, t0) => put(key, copyBytes(value), expiryOf(t0, opts?.ttl)),
      ),
    delete: (key) =>
      write(
        'delete',
        key,
        () => backend.delete(key),
        () => put(key, undefined, Number.POSITIVE_INFINITY),
      ),
    setMany: (entries: readonly Entry[]) =>
      many(
        'setMany',
        Array.isArray(entries) ? entries.map((e: Entry | undefined) => e?.key) : [],
        () => backend.setMany(entries),
      ),
    deleteMany: (keys) => many('deleteMany', keys, () => backend.deleteMany(keys)),
    increment: (key, delta, opts) =>
      write('increment', key, () => backend.increment(key, delta, opts)),
    compareAndSwap: (key, expected, next, opts?: SetOptions) =>
      write(
        'compareAndSwap',
        key,
        () => backend.compareAndSwap(key, expected, next, opts),
        (swapped, t0) => {
          if (swapped)
            put(
              key,
              next === undefined ? undefined : copyBytes(next),
              expiryOf(t0, next === undefined ? undefined : opts?.ttl),
            );
        },
      ),
    ttl: async (key) => {
      guard('ttl');
      return backend.ttl(key);
    },
    expire: (key, ttl) => write('expire', key, () => backend.expire(key, ttl)),
    keys: (opts?: PrefixOptions) => keysOf(opts),
    clear: async (opts?: PrefixOptions) => {
      guard('clear');
      epochs.beginClear();
      try {
        return await backend.clear(opts);
      } finally {
        epochs.endClear();
        dropPrefix(opts?.prefix ?? '');
      }
    },
    stats: () => ({ ...stats, entries: lru.size, bytes: lru.calculatedSize }),
    invalidate: (key) => (key === undefined ? lru.clear() : void lru.delete(key)),
    close: async () => {
      closed = true;
      lru.clear();
    },
    [Symbol.asyncDispose]: () => layer.close(),
  };

  /** A batch write: invalidates every key it names, before and after. */
  async function many<T>(op: string, keys: readonly unknown[], run: () => Promise<T>): Promise<T> {
    guard(op);
    const ks = (Array.isArray(keys) ? keys : []).filter((k): k is string => typeof k === 'string');
    const started = ks.map((k) => [k, epochs.beginWrite(k)] as const);
    for (const k of ks) lru.delete(k);
    try {
      return await run();
    } finally {
      for (const [k, e] of started) {
        epochs.endWrite(k, e);
        lru.delete(k);
      }
    }
  }
  async function* keysOf(opts?: PrefixOptions): AsyncGenerator<string> {
    guard('keys');
    yield* backend.keys(opts);
  }
  function dropPrefix(prefix: string): void {
    if (prefix === '') {
      lru.clear();
      return;
    }
    for (const k of [...lru.keys()]) if (k.startsWith(prefix)) lru.delete(k);
  }
  return layer;
}

function resolveOptions(options: CachingLayerOptions): Required<CachingLayerOptions> {
  const where = 'createCachingLayer()';
  const maxEntries = options.maxEntries ?? 10_000;
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  assertPositiveInt(maxEntries, 'maxEntries', where);
  assertPositiveInt(maxBytes, 'maxBytes', where);
  const maxAgeMs = options.maxAgeMs === undefined ? 1_000 : options.maxAgeMs;
  if (maxAgeMs !== null) assertPositiveInt(maxAgeMs, 'maxAgeMs', where);
  return { maxEntries, maxBytes, maxAgeMs, cacheMisses: options.cacheMisses ?? true };
}
