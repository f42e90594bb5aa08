import {
  type Entry,
  inspectState,
  type PrefixOptions,
  type SetOptions,
  StateError,
  type StateManager,
  stateInfo,
} from '@pforge/state-core';
import {
  attachStateInfo,
  closedError,
  copyBytes,
  createValidators,
  describeValue,
  type InspectionValue,
  toStateError,
} from '@pforge/state-core/backend';
import { CacheEngine } from './cache-engine.js';
import type { CacheMemory } from './cache-memory.js';
import { type CacheStats, type CachingLayerOptions, resolveOptions } from './caching-options.js';
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

const v = createValidators(SOURCE);
type Life = { closed: boolean };

/**
 * A caching layer: `backend` with a bounded LRU cache in front of it. Reads (`get`,
 * `getMany`, `exists`) are served from memory when possible; everything else goes to the
 * backend. Its own `set`, `delete`, `compareAndSwap`, batches, `increment`, `expire` and
 * `clear` update or invalidate the cache as soon as they resolve, so a read that starts
 * afterwards sees them. An entry is never served past the backend's expiry of the value it
 * holds, and never longer than `maxAgeMs` after it was read (the bound for other writers).
 * Its methods work detached (`const { get } = cached`), and it carries the backend's
 * `stateInfo`. `close()` drops the cache; the backend is borrowed and stays open.
 * @example
 * const cached = createCachingLayer(redisState, { maxEntries: 50_000, maxAgeMs: 500 });
 * await cached.get('config'); // backend
 * await cached.get('config'); // memory
 */
export function createCachingLayer(
  backend: StateManager,
  options: CachingLayerOptions = {},
): CachingLayer {
  assertManager(backend);
  const engine = new CacheEngine(backend, resolveOptions(options));
  const life: Life = { closed: false };
  const close = (): Promise<void> => {
    life.closed = true;
    engine.memory.dropPrefix('');
    return Promise.resolve();
  };
  const layer: CachingLayer = {
    backend,
    ...readMethods(engine, backend, life),
    ...writeMethods(engine, life),
    stats: () => engine.memory.stats(),
    invalidate: (key?: string) => {
      if (key === undefined) engine.memory.dropPrefix('');
      else engine.memory.delete(key);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
  return describeLayer(layer, engine.memory, life);
}

/** Runs `body` unless the layer is closed; a synchronous throw becomes a rejection. */
function guarded<T>(life: Life, op: string, body: () => Promise<T>): Promise<T> {
  if (life.closed) return Promise.reject(closedError(SOURCE, op));
  try {
    return body();
  } catch (err) {
    return Promise.reject(toStateError(err, SOURCE, op));
  }
}

/** A cached value as the caller gets it: an exact-size copy of its own. */
const served = (value: Uint8Array | undefined): Uint8Array | undefined =>
  value === undefined ? undefined : copyBytes(value);

/** `get`, `exists` and `getMany` (memory first), and the backend-only reads. */
function readMethods(engine: CacheEngine, backend: StateManager, life: Life) {
  return {
    get: (key: string): Promise<Uint8Array | undefined> => {
      if (life.closed) return Promise.reject(closedError(SOURCE, 'get'));
      // Only valid keys are ever cached: a hit needs no validation.
      const c = engine.hit(key);
      if (c !== undefined) return Promise.resolve(served(c.value));
      return guarded(life, 'get', () => engine.fetchOne(v.key(key)));
    },
    exists: (key: string): Promise<boolean> => {
      if (life.closed) return Promise.reject(closedError(SOURCE, 'exists'));
      const c = engine.hit(key);
      if (c !== undefined) return Promise.resolve(c.value !== undefined);
      return guarded(life, 'exists', async () => (await engine.fetchOne(v.key(key))) !== undefined);
    },
    getMany: (keys: readonly string[]) =>
      guarded(life, 'getMany', () => engine.getMany(v.keys(keys))),
    ttl: (key: string) => guarded(life, 'ttl', () => backend.ttl(v.key(key))),
    keys: (options?: PrefixOptions) => iterateKeys(backend, life, options),
  };
}

/** Every write: validated here, sent to the backend at once, and kept in step with memory. */
function writeMethods(engine: CacheEngine, life: Life) {
  const ttlOf = (options: unknown, key: string) =>
    options === undefined ? undefined : v.setOptions(options, key);
  return {
    set: (key: string, value: Uint8Array, options?: SetOptions) =>
      guarded(life, 'set', () => {
        const k = v.key(key);
        return engine.set(k, v.value(value, k), ttlOf(options, k));
      }),
    delete: (key: string) => guarded(life, 'delete', () => engine.delete(v.key(key))),
    compareAndSwap: (
      key: string,
      expected: Uint8Array | undefined,
      next: Uint8Array | undefined,
      options?: SetOptions,
    ) =>
      guarded(life, 'compareAndSwap', () => {
        const k = v.key(key);
        const exp = v.optionalValue(expected, k);
        return engine.compareAndSwap(k, exp, v.optionalValue(next, k), ttlOf(options, k));
      }),
    increment: (key: string, delta?: number, options?: SetOptions) =>
      guarded(life, 'increment', () => {
        const k = v.key(key);
        return engine.increment(k, v.delta(delta, k), ttlOf(options, k));
      }),
    expire: (key: string, ttl: number | null) =>
      guarded(life, 'expire', () => {
        const k = v.key(key);
        return engine.expire(k, v.expireTtl(ttl, k));
      }),
    setMany: (entries: readonly Entry[]) =>
      guarded(life, 'setMany', () => engine.setMany(v.entries(plainEntries(entries)))),
    deleteMany: (keys: readonly string[]) =>
      guarded(life, 'deleteMany', () => engine.deleteMany(v.keys(copied(keys)))),
    clear: (options?: PrefixOptions) =>
      guarded(life, 'clear', () => engine.clear(v.prefix(options))),
  };
}

/** An array argument read once (a getter or Proxy cannot answer the backend differently). */
const copied = <T>(xs: readonly T[]): readonly T[] => (Array.isArray(xs) ? xs.slice() : xs);

/** `entries` as plain `{ key, value, ttl? }` objects, each field read once; junk left as is. */
function plainEntries(entries: readonly Entry[]): readonly Entry[] {
  if (!Array.isArray(entries)) return entries;
  return entries.map((e: unknown) => {
    if (typeof e !== 'object' || e === null) return e as Entry;
    const { key, value, ttl } = e as Entry;
    return ttl === undefined ? { key, value } : { key, value, ttl };
  });
}

/** The backend's keys, checking at every step that the layer is still open. */
async function* iterateKeys(backend: StateManager, life: Life, options: unknown) {
  if (life.closed) throw closedError(SOURCE, 'keys');
  let prefix: string;
  try {
    prefix = v.prefix(options);
  } catch (err) {
    throw toStateError(err, SOURCE, 'keys');
  }
  for await (const key of backend.keys(prefix === '' ? undefined : { prefix })) {
    // The backend stays open after our close(): an iteration in progress must stop too.
    if (life.closed) throw closedError(SOURCE, 'keys');
    yield key;
  }
}

/** Attaches the backend's `stateInfo` (same backend, namespace, locality), when it has one. */
function describeLayer(layer: CachingLayer, memory: CacheMemory, life: Life): CachingLayer {
  const info = stateInfo(layer.backend);
  if (info === undefined) return layer;
  const inspect = async (): Promise<Readonly<Record<string, InspectionValue>>> => {
    if (life.closed) throw closedError(SOURCE, 'inspect');
    const { details } = await inspectState(layer.backend);
    const s = memory.stats();
    return {
      ...details,
      cache_entries: s.entries,
      cache_bytes: s.bytes,
      cache_hits: s.hits,
      cache_misses: s.misses,
      cache_evictions: s.evictions,
    };
  };
  return attachStateInfo(layer, { ...info, inspect });
}

/** Throws `ERR_STATE_INVALID_ARGUMENT` unless `backend` looks like a {@link StateManager}. */
function assertManager(backend: unknown): asserts backend is StateManager {
  const m = backend as Partial<Record<keyof StateManager, unknown>> | null;
  if (typeof m === 'object' && m !== null && typeof m.get === 'function') return;
  throw new StateError(
    'ERR_STATE_INVALID_ARGUMENT',
    `[${SOURCE}] createCachingLayer() takes a StateManager as \`backend\` (got ${describeValue(backend)})`,
  );
}
