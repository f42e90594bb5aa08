import {
  type Entry,
  isValidKey,
  type PrefixOptions,
  type SetOptions,
  StateError,
  type StateManager,
} from '@pforge/state-core';
import { copyBytes } from '@pforge/state-core/backend';
import { type Cached, CacheMemory } from './cache-memory.js';
import {
  type CacheStats,
  type CachingLayerOptions,
  type ResolvedCachingOptions,
  resolveOptions,
} from './caching-options.js';
import { KeyEpochs } from './key-epochs.js';
import { SOURCE } from './source.js';

/** A {@link StateManager} that answers reads from a bounded in-memory cache in front of another. */
export interface CachingLayer extends StateManager {
  /** The manager behind the cache. */
  readonly backend: StateManager;
  /** Hit/miss/eviction counters and the current size. */
  stats(): CacheStats;
  /** Drops `key` (or everything) from memory only; the backend is untouched. */
  invalidate(key?: string): void;
}

/** A copy of `v` when it is bytes; anything else is left for the backend to reject. */
const copyIfBytes = (v: unknown): Uint8Array | undefined =>
  v instanceof Uint8Array ? copyBytes(v) : undefined;
const FOREVER = Number.POSITIVE_INFINITY;

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
  return new LruCachingLayer(backend, resolveOptions(options));
}

class LruCachingLayer implements CachingLayer {
  readonly backend: StateManager;
  readonly #memory: CacheMemory;
  readonly #epochs = new KeyEpochs();
  #closed = false;

  constructor(backend: StateManager, o: ResolvedCachingOptions) {
    this.backend = backend;
    this.#memory = new CacheMemory(o);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const c = this.#hit('get', key);
    if (c) return c.value === undefined ? undefined : copyBytes(c.value);
    if (!isValidKey(key)) return this.backend.get(key); // the backend reports the bad key
    return (await this.#fetch([key]))[0];
  }

  async exists(key: string): Promise<boolean> {
    // As get, without copying a cached value only to test it.
    const c = this.#hit('exists', key);
    if (c) return c.value !== undefined;
    if (!isValidKey(key)) return this.backend.exists(key);
    return (await this.#fetch([key]))[0] !== undefined;
  }

  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    this.#guard('getMany');
    if (!Array.isArray(keys) || !keys.every(isValidKey)) return this.backend.getMany(keys);
    const out: (Uint8Array | undefined)[] = [];
    const missing: number[] = [];
    keys.forEach((k, i) => {
      const c = this.#memory.hit(k);
      if (c) out[i] = c.value === undefined ? undefined : copyBytes(c.value);
      else missing.push(i);
    });
    if (missing.length === 0) return out;
    const got = await this.#fetch(missing.map((i) => keys[i]!));
    missing.forEach((i, j) => {
      out[i] = got[j];
    });
    return out;
  }

  set(key: string, value: Uint8Array, opts?: SetOptions): Promise<void> {
    // Copied now: the caller may change `value` before the backend write resolves.
    const mine = copyIfBytes(value);
    return this.#write(
      'set',
      key,
      () => this.backend.set(key, value, opts),
      (_r, t0) => {
        if (mine) this.#memory.put(key, mine, opts?.ttl === undefined ? FOREVER : t0 + opts.ttl);
      },
    );
  }

  delete(key: string): Promise<boolean> {
    return this.#write(
      'delete',
      key,
      () => this.backend.delete(key),
      () => this.#memory.put(key, undefined, FOREVER),
    );
  }

  compareAndSwap(
    key: string,
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
    opts?: SetOptions,
  ): Promise<boolean> {
    const mine = copyIfBytes(next);
    const swap = () => this.backend.compareAndSwap(key, expected, next, opts);
    return this.#write('compareAndSwap', key, swap, (swapped, t0) => {
      if (!swapped || (next !== undefined && mine === undefined)) return;
      const ttl = mine === undefined ? undefined : opts?.ttl;
      this.#memory.put(key, mine, ttl === undefined ? FOREVER : t0 + ttl);
    });
  }

  increment(key: string, delta?: number, opts?: SetOptions): Promise<number> {
    return this.#write('increment', key, () => this.backend.increment(key, delta, opts));
  }

  expire(key: string, ttl: number | null): Promise<boolean> {
    return this.#write('expire', key, () => this.backend.expire(key, ttl));
  }

  setMany(entries: readonly Entry[]): Promise<void> {
    const keys = Array.isArray(entries) ? entries.map((e: Entry | undefined) => e?.key) : [];
    return this.#writeMany('setMany', keys, () => this.backend.setMany(entries));
  }

  deleteMany(keys: readonly string[]): Promise<number> {
    return this.#writeMany('deleteMany', keys, () => this.backend.deleteMany(keys));
  }

  async ttl(key: string): Promise<number | null | undefined> {
    this.#guard('ttl');
    return this.backend.ttl(key);
  }

  async *keys(opts?: PrefixOptions): AsyncGenerator<string> {
    this.#guard('keys');
    for await (const key of this.backend.keys(opts)) {
      // The backend stays open after our close(): an iteration in progress must stop too.
      this.#guard('keys');
      yield key;
    }
  }

  async clear(opts?: PrefixOptions): Promise<number> {
    this.#guard('clear');
    this.#epochs.beginClear();
    try {
      return await this.backend.clear(opts);
    } finally {
      this.#epochs.endClear();
      this.#memory.dropPrefix(typeof opts?.prefix === 'string' ? opts.prefix : '');
    }
  }

  stats(): CacheStats {
    return this.#memory.stats();
  }

  invalidate(key?: string): void {
    if (key === undefined) this.#memory.dropPrefix('');
    else this.#memory.delete(key);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#memory.dropPrefix('');
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #guard(op: string): void {
    if (this.#closed) {
      throw new StateError(
        'ERR_STATE_CLOSED',
        `[${SOURCE}] caching layer: ${op}() called after close()`,
      );
    }
  }

  /** The fresh cache entry of `key` (a hit, counted), after the closed check for `op`. */
  #hit(op: string, key: string): Cached | undefined {
    this.#guard(op);
    return this.#memory.hit(key);
  }

  /** Reads `keys` from the backend with their expiry, filling the cache where no write overlapped. */
  async #fetch(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    this.#memory.counts.misses += keys.length;
    const tokens = keys.map((k) => this.#epochs.beginRead(k));
    const t0 = Date.now();
    let values: (Uint8Array | undefined)[] = [];
    let ttls: (number | null | undefined)[] = [];
    try {
      const got =
        keys.length === 1
          ? this.backend.get(keys[0]!).then((v) => [v])
          : this.backend.getMany(keys);
      [values, ttls] = await Promise.all([got, Promise.all(keys.map((k) => this.backend.ttl(k)))]);
    } finally {
      keys.forEach((k, i) => {
        const fill = this.#epochs.endRead(k, tokens[i]!) && values.length > 0;
        const v = values[i];
        const left = ttls[i];
        // A value without a ttl (or the reverse) means the key changed between the two reads.
        if (!fill || (v === undefined) !== (left === undefined)) return;
        // The backend counted `left` from a moment after t0, so t0 + left is on the early side.
        this.#memory.put(
          k,
          v === undefined ? undefined : copyBytes(v),
          left == null ? FOREVER : t0 + left,
        );
      });
    }
    return values;
  }

  /** Runs a write; on success `after` may fill the cache, when no other write to the key overlapped. */
  async #write<T>(
    op: string,
    key: string,
    run: () => Promise<T>,
    after?: (r: T, t0: number) => void,
  ): Promise<T> {
    this.#guard(op);
    const e = this.#epochs.beginWrite(key);
    this.#memory.delete(key);
    const t0 = Date.now();
    let ok = false;
    let r: T;
    try {
      r = await run();
      ok = true;
    } finally {
      const latest = this.#epochs.endWrite(key, e);
      if (ok && latest && after) after(r!, t0);
      else this.#memory.delete(key);
    }
    return r;
  }

  /** A batch write: invalidates every key it names, before and after. */
  async #writeMany<T>(op: string, keys: readonly unknown[], run: () => Promise<T>): Promise<T> {
    this.#guard(op);
    const ks = (Array.isArray(keys) ? keys : []).filter((k): k is string => typeof k === 'string');
    const started = ks.map((k) => [k, this.#epochs.beginWrite(k)] as const);
    for (const k of ks) this.#memory.delete(k);
    try {
      return await run();
    } finally {
      for (const [k, e] of started) {
        this.#epochs.endWrite(k, e);
        this.#memory.delete(k);
      }
    }
  }
}
