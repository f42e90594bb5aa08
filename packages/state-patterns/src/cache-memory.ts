import { LRUCache } from 'lru-cache';
import type { CacheStats, ResolvedCachingOptions } from './caching-options.js';

/** What the caching layer remembers of a key: its bytes (or "absent") and until when. */
export interface Cached {
  value: Uint8Array | undefined;
  /** {@link now} after which the entry is not served; `Infinity` for none. */
  expiresAt: number;
}

/**
 * The layer's clock, in ms: monotonic, so a wall-clock jump (NTP, a resumed VM) never makes an
 * entry outlive the backend's expiry. Only differences of it are meaningful.
 */
export const now = (): number => performance.now();

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
  /** Set while {@link delete} takes the last entry with `pop()`, which reports an eviction. */
  #popping = false;

  constructor(o: ResolvedCachingOptions) {
    this.#o = o;
    this.#lru = new LRUCache<string, Cached>({
      max: o.maxEntries,
      maxSize: o.maxBytes,
      sizeCalculation: (c, key) => (c.value?.byteLength ?? 0) + key.length * 2 + ENTRY_OVERHEAD,
      dispose: (_v, _k, reason) => {
        if (reason === 'evict' && !this.#popping) this.counts.evictions++;
      },
    });
  }

  /**
   * Keeps `value` (or "absent") until `expiresAt` ({@link now} ms), capped at `maxAgeMs` from
   * now. Takes ownership of `value`: pass a copy nobody else holds.
   */
  put(key: string, value: Uint8Array | undefined, expiresAt: number): void {
    const t = now();
    const maxAge = this.#o.maxAgeMs;
    const until = maxAge === null ? expiresAt : Math.min(expiresAt, t + maxAge);
    if ((value === undefined && !this.#o.cacheMisses) || until <= t) {
      this.delete(key);
      return;
    }
    this.#lru.set(key, { value, expiresAt: until });
  }

  /** The entry of `key` if it is still fresh (an expired one is dropped). */
  fresh(key: string): Cached | undefined {
    const c = this.#lru.get(key);
    if (c === undefined || c.expiresAt > now()) return c;
    this.delete(key);
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
    // lru-cache empties itself when its last entry is deleted, refilling its slot arrays:
    // O(maxEntries), 0.1 ms per write to a layer holding one key. `pop()` takes it in O(1).
    if (this.#lru.size === 1 && this.#lru.has(key)) {
      this.#popping = true;
      try {
        this.#lru.pop();
      } finally {
        this.#popping = false;
      }
    } else this.#lru.delete(key);
  }

  /** Forgets every key starting with `prefix` (all of them for `''`). */
  dropPrefix(prefix: string): void {
    if (this.#lru.size === 0) return;
    if (prefix === '') {
      this.#lru.clear();
      return;
    }
    for (const k of [...this.#lru.keys()]) if (k.startsWith(prefix)) this.delete(k);
  }

  /** The counts, entries held and bytes held. */
  stats(): CacheStats {
    return { ...this.counts, entries: this.#lru.size, bytes: this.#lru.calculatedSize };
  }
}
