/** Options of a write. */
export interface SetOptions {
  /**
   * Time to live in milliseconds: a safe integer from 1 to {@link MAX_TTL_MS}.
   * Absent means the key never expires (and a `set` without it clears an earlier expiry).
   * @example { ttl: 60_000 } // one minute
   */
  ttl?: number;
}

/** One entry of a {@link StateManager.setMany} batch. */
export interface Entry {
  /** The key (1 to 1024 UTF-8 bytes). */
  key: string;
  /** The bytes to store (copied; never aliased). */
  value: Uint8Array;
  /** Time to live in milliseconds; absent = never expires. */
  ttl?: number;
}

/** Options of {@link StateManager.keys} and {@link StateManager.clear}. */
export interface PrefixOptions {
  /** Only keys that start with this string (compared as a plain string, no glob). */
  prefix?: string;
}

/**
 * The one async key-value interface every backend implements. Every method reports
 * failure as a rejected promise carrying a {@link StateError}; none throws synchronously.
 */
export interface StateManager extends AsyncDisposable {
  /** The value of a live key, or `undefined` when absent or expired. A fresh copy. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stores `value` under `key`; without `options.ttl` any earlier expiry is removed. */
  set(key: string, value: Uint8Array, options?: SetOptions): Promise<void>;
  /** Removes `key`; resolves `true` when a live key was removed. */
  delete(key: string): Promise<boolean>;
  /** Whether `key` is live. */
  exists(key: string): Promise<boolean>;

  /** Values of `keys`, in the same order; `undefined` for absent ones. */
  getMany(keys: readonly string[]): Promise<(Uint8Array | undefined)[]>;
  /** Writes every entry, all or nothing (see the backend's README for its atomicity). */
  setMany(entries: readonly Entry[]): Promise<void>;
  /** Removes `keys`; resolves how many live keys were removed. */
  deleteMany(keys: readonly string[]): Promise<number>;

  /**
   * Atomically adds `delta` (default 1) to the ASCII-decimal counter at `key` (absent = 0)
   * and resolves the new value. `options.ttl` applies only when this call creates the key.
   */
  increment(key: string, delta?: number, options?: SetOptions): Promise<number>;
  /**
   * Atomically: if the current value equals `expected` byte for byte (`undefined` = absent),
   * stores `next` (`undefined` = delete) with `options.ttl` and resolves `true`; else `false`.
   */
  compareAndSwap(
    key: string,
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
    options?: SetOptions,
  ): Promise<boolean>;

  /** Milliseconds left; `null` = no expiry; `undefined` = absent. */
  ttl(key: string): Promise<number | null | undefined>;
  /** Sets (`ttl` in ms) or clears (`null`) the expiry; `true` when the key exists. */
  expire(key: string, ttl: number | null): Promise<boolean>;
  /** Each live key of this namespace (optionally with `prefix`) once, lazily, in no promised order. */
  keys(options?: PrefixOptions): AsyncIterable<string>;
  /** Removes the live keys of this namespace (optionally with `prefix`); resolves how many. */
  clear(options?: PrefixOptions): Promise<number>;

  /** Releases every resource; idempotent. Every later call rejects with `ERR_STATE_CLOSED`. */
  close(): Promise<void>;
}
