import { LRUCache } from 'lru-cache';
import type { CacheStats, ResolvedCachingOptions } from './caching-options.js';

/** What the caching layer remembers of a key: its bytes (or "absent") and until when. */
export interface Cached {
  value: Uint8Array | undefined;
  /** Epoch ms after which the entry is not served; `Infinity` for none. */
  expiresAt: number;
}

/** Bytes counted per entry on top of its value and key, for `maxBytes`. */
const ENTRY_OVERHEAD = 64;

/**
 * The caching layer's memory: a bounded LRU of {@link Cached} entries with hit, miss and
 * eviction counts. It knows nothing of the backend; the layer decides what goes in.
 */
export class CacheMemory {
  readonly #o: ResolvedCachingOptions;
  readonly #lru: LRUCache<string, Cached>;
  readonly counts = { hits: 0, misses: 0, evictions: 0 };

  constructor(o: ResolvedCachingOptions) {
    this.#o = o;
    this.#lru = new LRUCache<string, Cached>({
      max: o.maxEntries,
      maxSize: o.maxBytes,
      sizeCalculation: (c, key) => (c.value?.byteLength ?? 0) + key.length * 2 + ENTRY_OVERHEAD,
      dispose: (_v, _k, reason) => {
        if (reason === 'evict') this.counts.evictions++;
      },
    });
  }

  /** Keeps `value` (or "absent") until `expiresAt`, capped at `maxAgeMs` from now. */
  put(key: string, value: Uint8Array | undefined, expiresAt: number): void {
    if (value === undefined && !this.#o.cacheMisses) {
      this.#lru.delete(key);
      return;
    }
    const maxAge = this.#o.maxAgeMs;
    this.#lru.set(key, {
      value,
      expiresAt: maxAge === null ? expiresAt : Math.min(expiresAt, Date.now() + maxAge),
    });
  }

  /** The entry of `key` if it is still fresh (an expired one is dropped). */
  fresh(key: string): Cached | undefined {
    const c = this.#lru.get(key);
    if (c === undefined || c.expiresAt > Date.now()) return c;
    this.#lru.delete(key);
    return undefined;
  }

  /** As {@link fresh}, counting a hit when there is one. */
  hit(key: string): Cached | undefined {
    const c = this.fresh(key);
    if (c) this.counts.hits++;
    return c;
  }

  /** Forgets `key`. */
  delete(key: string): void {
    this.#lru.delete(key);
  }

  /** Forgets every key starting with `prefix` (all of them for `''`). */
  dropPrefix(prefix: string): void {
    if (prefix === '') {
      this.#lru.clear();
      return;
    }
    for (const k of [...this.#lru.keys()]) if (k.startsWith(prefix)) this.#lru.delete(k);
  }

  /** The counts, entries held and bytes held. */
  stats(): CacheStats {
    return { ...this.counts, entries: this.#lru.size, bytes: this.#lru.calculatedSize };
  }
}
