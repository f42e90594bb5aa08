import type { Entry, SetOptions, StateManager } from '@pforge/state-core';
import { copyBytes } from '@pforge/state-core/backend';
import { type Cached, CacheMemory, now } from './cache-memory.js';
import type { ResolvedCachingOptions } from './caching-options.js';
import { KeyEpochs } from './key-epochs.js';

const FOREVER = Number.POSITIVE_INFINITY;

/**
 * When an entry read or written at `t0` ({@link now}) with `ttlMs` left must stop being
 * served: 1 ms early, because backends count expiries from a whole millisecond at or after
 * `t0` (and report `ttl()` rounded up), so `t0 + ttlMs` itself may lie past the backend's expiry.
 */
const expiryOf = (t0: number, ttlMs: number | null | undefined): number =>
  ttlMs == null ? FOREVER : t0 + ttlMs - 1;

/** The `SetOptions` the backend is given for an already-validated ttl. */
const optionsOf = (ttlMs: number | undefined): SetOptions | undefined =>
  ttlMs === undefined ? undefined : { ttl: ttlMs };

/**
 * What the caching layer does, on arguments already validated: reads through a bounded
 * memory, and writes to the backend that keep the memory right. Every backend call is made
 * synchronously, in the order the layer's methods were called, so the backend's issue order is
 * the layer's; the memory is emptied for a key before a write to it is sent, so no later read
 * is answered from it until the write settles.
 */
export class CacheEngine {
  readonly memory: CacheMemory;
  readonly #backend: StateManager;
  readonly #epochs = new KeyEpochs();

  constructor(backend: StateManager, o: ResolvedCachingOptions) {
    this.#backend = backend;
    this.memory = new CacheMemory(o);
  }

  /** The value of a key that missed the memory, from the backend, filling the memory. */
  async fetchOne(key: string): Promise<Uint8Array | undefined> {
    this.memory.counts.misses++;
    const token = this.#epochs.beginRead(key);
    const t0 = now();
    let value: Uint8Array | undefined;
    let left: number | null | undefined;
    let done = false;
    try {
      [value, left] = await Promise.all([this.#backend.get(key), this.#backend.ttl(key)]);
      done = true;
    } finally {
      if (this.#epochs.endRead(key, token) && done) this.#fill(key, value, left, t0);
    }
    return value;
  }

  /** The values of `keys` (memory first, then one backend `getMany` for the rest). */
  async getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    const out: (Uint8Array | undefined)[] = new Array(keys.length);
    const missing: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      const c = this.memory.hit(keys[i]!);
      if (c === undefined) missing.push(i);
      else out[i] = c.value === undefined ? undefined : copyBytes(c.value);
    }
    if (missing.length === 0) return out;
    const got =
      missing.length === 1
        ? [await this.fetchOne(keys[missing[0]!]!)]
        : await this.#fetchMany(missing.map((i) => keys[i]!));
    for (let j = 0; j < missing.length; j++) out[missing[j]!] = got[j];
    return out;
  }

  /** The fresh memory entry of `key`, counted as a hit. */
  hit(key: string): Cached | undefined {
    return this.memory.hit(key);
  }

  /** `set`: the backend first, then (when no other write overlapped) the memory. */
  set(key: string, value: Uint8Array, ttlMs: number | undefined): Promise<void> {
    const mine = copyBytes(value); // the caller may change `value` before the write resolves
    return this.#write(
      key,
      () => this.#backend.set(key, value, optionsOf(ttlMs)),
      (_r, t0) => this.memory.put(key, mine, expiryOf(t0, ttlMs)),
    );
  }

  /** `delete`: remembers the key as absent once the backend removed it. */
  delete(key: string): Promise<boolean> {
    return this.#write(
      key,
      () => this.#backend.delete(key),
      () => this.memory.put(key, undefined, FOREVER),
    );
  }

  /** `compareAndSwap`: remembers `next` (or absent) when the swap happened. */
  compareAndSwap(
    key: string,
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
    ttlMs: number | undefined,
  ): Promise<boolean> {
    const mine = next === undefined ? undefined : copyBytes(next);
    const swap = () => this.#backend.compareAndSwap(key, expected, next, optionsOf(ttlMs));
    return this.#write(key, swap, (swapped, t0) => {
      if (swapped) this.memory.put(key, mine, mine === undefined ? FOREVER : expiryOf(t0, ttlMs));
    });
  }

  /** `increment`: the backend alone (its expiry is unknown here); the key is forgotten. */
  increment(key: string, delta: number, ttlMs: number | undefined): Promise<number> {
    return this.#write(key, () => this.#backend.increment(key, delta, optionsOf(ttlMs)));
  }

  /** `expire`: the backend alone; the key is forgotten. */
  expire(key: string, ttlMs: number | null): Promise<boolean> {
    return this.#write(key, () => this.#backend.expire(key, ttlMs));
  }

  /** `setMany`: forgets every key it names, before and after. */
  setMany(entries: readonly Entry[]): Promise<void> {
    return this.#writeMany(
      entries.map((e) => e.key),
      () => this.#backend.setMany(entries),
    );
  }

  /** `deleteMany`: forgets every key it names, before and after. */
  deleteMany(keys: readonly string[]): Promise<number> {
    return this.#writeMany(keys, () => this.#backend.deleteMany(keys));
  }

  /** `clear`: forgets the prefix before the backend call (later reads wait for it) and after. */
  async clear(prefix: string): Promise<number> {
    this.#epochs.beginClear();
    this.memory.dropPrefix(prefix);
    try {
      return await this.#backend.clear(prefix === '' ? undefined : { prefix });
    } finally {
      this.#epochs.endClear();
      this.memory.dropPrefix(prefix);
    }
  }

  /** Reads `keys` with their expiries, filling the memory where no write overlapped. */
  async #fetchMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]> {
    this.memory.counts.misses += keys.length;
    const tokens = keys.map((k) => this.#epochs.beginRead(k));
    const t0 = now();
    let values: (Uint8Array | undefined)[] = [];
    let ttls: (number | null | undefined)[] = [];
    let done = false;
    try {
      const ttl = Promise.all(keys.map((k) => this.#backend.ttl(k)));
      [values, ttls] = await Promise.all([this.#backend.getMany(keys), ttl]);
      done = true;
    } finally {
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        if (this.#epochs.endRead(k, tokens[i]!) && done) this.#fill(k, values[i], ttls[i], t0);
      }
    }
    return values;
  }

  /** Remembers what a backend read gave, unless the key changed between its two reads. */
  #fill(key: string, value: Uint8Array | undefined, left: number | null | undefined, t0: number) {
    // A value without a ttl (or the reverse) means another writer changed the key in between.
    if ((value === undefined) !== (left === undefined)) return;
    this.memory.put(key, value === undefined ? undefined : copyBytes(value), expiryOf(t0, left));
  }

  /** Runs a write; on success `after` may fill the memory, when no other write to the key overlapped. */
  async #write<T>(key: string, run: () => Promise<T>, after?: (r: T, t0: number) => void) {
    const e = this.#epochs.beginWrite(key);
    this.memory.delete(key);
    const t0 = now();
    let ok = false;
    let r: T;
    try {
      r = await run();
      ok = true;
    } finally {
      const latest = this.#epochs.endWrite(key, e);
      if (ok && latest && after) after(r!, t0);
      else this.memory.delete(key);
    }
    return r;
  }

  /** A batch write: forgets every key it names, before and after. */
  async #writeMany<T>(keys: readonly string[], run: () => Promise<T>): Promise<T> {
    const started = keys.map((k) => this.#epochs.beginWrite(k));
    for (const k of keys) this.memory.delete(k);
    try {
      return await run();
    } finally {
      for (let i = 0; i < keys.length; i++) {
        this.#epochs.endWrite(keys[i]!, started[i]!);
        this.memory.delete(keys[i]!);
      }
    }
  }
}
