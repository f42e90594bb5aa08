import type { InspectionValue } from './info.js';
import type { Entry } from './types.js';

/** A value, or a promise of it: an operation may answer synchronously. */
export type MaybePromise<T> = T | Promise<T>;

/** One stored record as the entry primitives see it. */
export interface StoredEntry {
  /** The stored bytes. */
  value: Uint8Array;
  /** Absolute expiry in epoch ms, or `undefined` (or absent) for none. */
  expiresAt?: number | undefined;
}

/**
 * What a backend supplies to {@link createManager}: its operations on one namespace.
 *
 * Every argument arrives validated (keys are valid strings of the manager's namespace, as the
 * caller wrote them; values are readable `Uint8Array`s; `ttlMs` is a valid TTL or
 * `undefined`; a prefix is a string, `''` for all). Values handed in still belong to the
 * caller: copy what you keep. Values handed out must belong to the caller: fresh, exact-size
 * arrays (`byteOffset` 0, `buffer.byteLength === byteLength`) shared with nothing. Any
 * operation may return its result or a native `Promise` of it, and may throw: the base turns
 * whatever is not a `StateError` into `ERR_STATE_BACKEND`.
 *
 * Supply a native operation where the engine has one, or the five entry primitives (`read`,
 * `write`, `remove`, `swap`, `scan`), from which the base derives every operation left out:
 * `exists`, `ttl` and `get` from `read`; `increment`, `compareAndSwap` and `expire` as
 * `read` + `swap` loops; batches one key at a time (then NOT all-or-nothing: supply
 * `setMany` / `deleteMany` natively for that); `keys` from `scan`; `clear` from `keys` +
 * `delete`. {@link createManager} names whatever is missing.
 */
export interface StoreOperations {
  /** The live value of `key` (a fresh copy), or `undefined`. */
  get?(key: string): MaybePromise<Uint8Array | undefined>;
  /** Stores a copy of `value`; `ttlMs` undefined = no expiry (any earlier one is removed). */
  set?(key: string, value: Uint8Array, ttlMs: number | undefined): MaybePromise<void>;
  /** Removes `key`; `true` when a live key was removed. */
  delete?(key: string): MaybePromise<boolean>;
  /** Whether `key` is live. */
  exists?(key: string): MaybePromise<boolean>;
  /** Fresh copies of the live values of `keys`, in order. */
  getMany?(keys: readonly string[]): MaybePromise<(Uint8Array | undefined)[]>;
  /** Writes every entry (each `ttl` validated), all or nothing. */
  setMany?(entries: readonly Entry[]): MaybePromise<void>;
  /** Removes `keys` (duplicates count once); resolves how many live keys were removed. */
  deleteMany?(keys: readonly string[]): MaybePromise<number>;
  /** Adds `delta` to the counter at `key`; `ttlMs` applies only when this call creates it. */
  increment?(key: string, delta: number, ttlMs: number | undefined): MaybePromise<number>;
  /** Stores `next` (undefined = delete) with `ttlMs` if the live value equals `expected`. */
  compareAndSwap?(
    key: string,
    expected: Uint8Array | undefined,
    next: Uint8Array | undefined,
    ttlMs: number | undefined,
  ): MaybePromise<boolean>;
  /** Milliseconds left (at least 1), `null` for no expiry, `undefined` when absent. */
  ttl?(key: string): MaybePromise<number | null | undefined>;
  /** Sets (`ttlMs`) or clears (`null`) the expiry of a live key; `true` when it exists. */
  expire?(key: string, ttlMs: number | null): MaybePromise<boolean>;
  /** Every live key starting with `prefix`, each once, lazily. */
  keys?(prefix: string): AsyncIterable<string> | Iterable<string>;
  /** Removes every live key starting with `prefix`; resolves how many. */
  clear?(prefix: string): MaybePromise<number>;

  /** Primitive: the live entry at `key` (its value may be the engine's own: never changed). */
  read?(key: string): MaybePromise<StoredEntry | undefined>;
  /** Primitive: stores `entry` (its value is a copy the engine may keep). */
  write?(key: string, entry: StoredEntry): MaybePromise<void>;
  /** Primitive: removes `key`; `true` when a live entry was removed. */
  remove?(key: string): MaybePromise<boolean>;
  /**
   * Primitive, atomic: if the live entry at `key` is still `expected` (same bytes and same
   * `expiresAt`; `undefined` = absent), store `next` (`undefined` = remove) and return
   * `true`; else change nothing and return `false`.
   */
  swap?(
    key: string,
    expected: StoredEntry | undefined,
    next: StoredEntry | undefined,
  ): MaybePromise<boolean>;
  /** Primitive: every live key starting with `prefix`, each once, lazily. */
  scan?(prefix: string): AsyncIterable<string> | Iterable<string>;

  /** Releases the engine's resources; called once, after every earlier call settled. */
  close?(): MaybePromise<void>;
  /** Backend figures for operators (see `inspectState`). */
  inspect?(): MaybePromise<Readonly<Record<string, InspectionValue>>>;
}

/** The data methods of a manager, in the order of the interface. */
export const DATA_METHODS = [
  'get',
  'set',
  'delete',
  'exists',
  'getMany',
  'setMany',
  'deleteMany',
  'increment',
  'compareAndSwap',
  'ttl',
  'expire',
  'keys',
  'clear',
] as const;

/** One of {@link DATA_METHODS}. */
export type DataMethod = (typeof DATA_METHODS)[number];

/** Every data operation present: what {@link StoreOperations} becomes once derived. */
export type CompleteOperations = Required<Pick<StoreOperations, DataMethod>>;
