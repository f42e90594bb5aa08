import { EventEmitter } from 'node:events';
import { type Entry, StateError, type StateManager } from '@pforge/state-core';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import {
  type KeyvAdapterOptions,
  type ResolvedKeyvAdapterOptions,
  resolveOptions,
} from './options.js';
import { decodeValue, encodeValue } from './value-codec.js';

const SOURCE = '@pforge/state-keyv';
const METHODS = ['get', 'set', 'delete', 'exists', 'getMany', 'setMany', 'deleteMany', 'keys'];

/** What the adapter shows Keyv as its `opts` (Keyv 5 reads `dialect`; see the README). */
export interface KeyvAdapterOpts extends ResolvedKeyvAdapterOptions {
  /**
   * Keyv 5 wires `keyv.iterator()` only for stores whose `opts.dialect` is on its own list;
   * `'redis'` is the one whose iterator contract this adapter keeps (namespace-scoped keys,
   * yielded with their `namespace:` prefix). Keyv reads it for nothing else.
   */
  readonly dialect: 'redis';
  /** Keyv and tools may add fields (the test suite sets `deserialize`); they are ignored. */
  [field: string]: unknown;
}

/**
 * A Keyv 5 storage adapter over a {@link StateManager}. Keyv sets `namespace` on it and prefixes
 * its keys with `namespace:`; the adapter stores each key as Keyv hands it, inside the manager's
 * own namespace, with the manager's native TTL. Make one adapter per Keyv instance (Keyv writes
 * its namespace onto the adapter); many adapters may share one manager.
 */
export class KeyvStateAdapter extends EventEmitter implements KeyvStoreAdapter {
  /** Keyv's namespace, set by Keyv; `clear()` removes only keys under `namespace:`. */
  namespace: string | undefined;
  /** The options, as Keyv expects a store to show them. */
  readonly opts: KeyvAdapterOpts;
  /** The manager this adapter stores into (borrowed: see `closeOnDisconnect`). */
  readonly state: StateManager;
  readonly #options: ResolvedKeyvAdapterOptions;

  /** Use {@link createKeyvAdapter}. */
  constructor(state: StateManager, options: ResolvedKeyvAdapterOptions) {
    super();
    this.state = state;
    this.#options = options;
    this.opts = { ...options, dialect: 'redis' };
  }

  /** The value Keyv stored under `key` (its serialized data), or `undefined` when absent. */
  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return this.#reported(this.#get(key)) as Promise<StoredData<Value> | undefined>;
  }

  /** The values of `keys`, in the same order, `undefined` for absent ones (one `getMany`). */
  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    return this.#reported(this.#getMany(keys)) as Promise<Array<StoredData<Value | undefined>>>;
  }

  /** Whether `key` is live (the manager's `exists`: expiry is the manager's own). */
  async has(key: string): Promise<boolean> {
    return this.#reported(this.state.exists(key));
  }

  /** Whether each of `keys` is live, in the same order. */
  async hasMany(keys: string[]): Promise<boolean[]> {
    return this.#reported(Promise.all(keys.map((key) => this.state.exists(key))));
  }

  /** Stores `value` under `key`, expiring after `ttl` ms through the manager's own TTL. */
  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    const bytes = encodeValue(key, value);
    await this.state.set(key, bytes, ttl === undefined ? undefined : { ttl });
    return true;
  }

  /**
   * Stores every entry in one all-or-nothing `setMany`. Resolves nothing, as Keyv 5's adapter
   * type says (so `keyv.setMany()` resolves `undefined` on success, as with `@keyv/redis`).
   */
  async setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<void> {
    const batch: Entry[] = entries.map(({ key, value, ttl }) =>
      ttl === undefined
        ? { key, value: encodeValue(key, value) }
        : { key, value: encodeValue(key, value), ttl },
    );
    await this.state.setMany(batch);
  }

  /** Removes `key`; `true` when a live key was removed. */
  async delete(key: string): Promise<boolean> {
    return this.state.delete(key);
  }

  /** Removes `keys` in one all-or-nothing `deleteMany`; `true` when any live key was removed. */
  async deleteMany(keys: string[]): Promise<boolean> {
    return (await this.state.deleteMany(keys)) > 0;
  }

  /** Removes the keys under `namespace:` (every key of the manager's namespace without one). */
  async clear(): Promise<void> {
    await this.state.clear(this.namespace ? { prefix: `${this.namespace}:` } : undefined);
  }

  /**
   * Each live `[key, value]` under `namespace:` (every one when `namespace` is absent), keys
   * with their prefix as Keyv expects, read lazily in batches of `iterationBatchSize`.
   */
  async *iterator<Value>(namespace?: string): AsyncGenerator<[string, Value], void> {
    try {
      yield* this.#walk(namespace ? `${namespace}:` : undefined) as AsyncGenerator<[string, Value]>;
    } catch (err) {
      this.#report(err);
      throw err;
    }
  }

  /** Closes the manager when `closeOnDisconnect` is set; otherwise does nothing. */
  async disconnect(): Promise<void> {
    if (this.#options.closeOnDisconnect) await this.state.close();
  }

  async #get(key: string): Promise<unknown> {
    const bytes = await this.state.get(key);
    return bytes === undefined ? undefined : decodeValue(key, bytes);
  }

  async #getMany(keys: string[]): Promise<unknown[]> {
    const values = await this.state.getMany(keys);
    return values.map((bytes, i) =>
      bytes === undefined ? undefined : decodeValue(keys[i]!, bytes),
    );
  }

  async *#walk(prefix: string | undefined): AsyncGenerator<[string, unknown]> {
    const size = this.#options.iterationBatchSize;
    let batch: string[] = [];
    for await (const key of this.state.keys(prefix === undefined ? undefined : { prefix })) {
      batch.push(key);
      if (batch.length < size) continue;
      yield* this.#live(batch);
      batch = [];
    }
    if (batch.length > 0) yield* this.#live(batch);
  }

  async *#live(keys: string[]): AsyncGenerator<[string, unknown]> {
    const values = await this.state.getMany(keys);
    for (const [i, bytes] of values.entries()) {
      // A key that expired or was deleted since keys() listed it is skipped.
      if (bytes !== undefined) yield [keys[i]!, decodeValue(keys[i]!, bytes)];
    }
  }

  // Keyv 5 discards a failed store read in silence (`keyv.get` resolves `undefined`), so reads
  // report their failure as an `error` event, which Keyv forwards. Keyv emits failed writes
  // itself; emitting them here too would report each twice.
  async #reported<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (err) {
      this.#report(err);
      throw err;
    }
  }

  #report(err: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
  }
}

/**
 * A Keyv 5 storage adapter storing into `state`, any {@link StateManager} (memory, LMDB,
 * Redis standalone or Cluster, or a third-party backend).
 * @example
 * const keyv = new Keyv({ store: createKeyvAdapter(state), namespace: 'cache' });
 */
export function createKeyvAdapter(
  state: StateManager,
  options?: KeyvAdapterOptions,
): KeyvStateAdapter {
  const bad = METHODS.find(
    (m) => typeof (state as unknown as Record<string, unknown> | null)?.[m] !== 'function',
  );
  if (bad !== undefined) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${SOURCE}] \`state\` must be a StateManager (it has no \`${bad}()\` method)`,
    );
  }
  return new KeyvStateAdapter(state, resolveOptions(options));
}
