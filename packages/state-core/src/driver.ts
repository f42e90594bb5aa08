import type { PrefixOptions } from './types.js';

/** One stored record as a driver sees it. */
export interface StoredEntry {
  /** The stored bytes (the driver may keep this array: the base copies in and out). */
  value: Uint8Array;
  /** Absolute expiry in epoch ms, or `undefined` for none. */
  expiresAt?: number | undefined;
}

/**
 * What a backend author implements: six small methods on already-validated keys of this
 * manager's own space (the base adds the namespace), and optional faster or atomic versions
 * of what the base otherwise derives. Every method may be async and may throw; the base turns
 * any non-{@link StateError} failure into `ERR_STATE_BACKEND`.
 */
export interface StoreDriver {
  /** The live entry at `key`, or `undefined` when absent or past `expiresAt`. */
  read(key: string): Promise<StoredEntry | undefined>;
  /** Stores `entry` at `key`, replacing any earlier one (and its expiry). */
  write(key: string, entry: StoredEntry): Promise<void>;
  /** Removes `key`; `true` when a live entry was removed. */
  remove(key: string): Promise<boolean>;
  /**
   * Atomically: if the live value at `key` equals `expected` byte for byte (`undefined` =
   * absent), store `next` (`undefined` = remove) and return `true`; else change nothing.
   * Every derived read-modify-write (`increment`, `expire`) is built on this.
   */
  compareAndSwap(
    key: string,
    expected: Uint8Array | undefined,
    next: StoredEntry | undefined,
  ): Promise<boolean>;
  /** Every live key that starts with `prefix` ('' = all), each once, lazily. */
  scan(prefix: string): AsyncIterable<string>;
  /** Releases the driver's resources. Called once. */
  close(): Promise<void>;

  /** Optional: read many at once (default: `read` each, concurrently). */
  readMany?(keys: readonly string[]): Promise<(StoredEntry | undefined)[]>;
  /** Optional: write many at once; implement it to make `setMany` atomic (default: `write` each in turn). */
  writeMany?(entries: readonly (readonly [string, StoredEntry])[]): Promise<void>;
  /** Optional: remove many at once; implement it to make `deleteMany` atomic (default: `remove` each). */
  removeMany?(keys: readonly string[]): Promise<number>;
  /** Optional: native atomic increment (default: a compare-and-swap loop). `expiresAt` applies on create. */
  increment?(key: string, delta: number, expiresAt: number | undefined): Promise<number>;
}

/** The capabilities a driver-built manager has, for `@pforge/state-conformance`. */
export interface DriverCapabilities {
  /** `setMany`/`deleteMany` are all-or-nothing (the driver implements `writeMany`/`removeMany` atomically). */
  atomicBatches: boolean;
}

export type { PrefixOptions };
