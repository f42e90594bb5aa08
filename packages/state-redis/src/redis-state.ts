import {
  assertDelta,
  assertKey,
  assertKeys,
  assertTtl,
  assertValue,
  attachStateInfo,
  type Entry,
  namespacePrefix,
  type PrefixOptions,
  resolvePrefix,
  resolveTtl,
  type SetOptions,
  type StateManager,
  validateEntries,
} from '@pforge/state-core';
import { connectPool } from './connect.js';
import { unexpected } from './errors.js';
import { inspectRedis } from './inspect.js';
import { createOperations, type RedisOperations } from './operations.js';
import { resolveCodeOptions } from './options.js';
import { Runner } from './runner.js';
import { SOURCE } from './source.js';
import type { RedisStateOptions } from './types.js';

/**
 * The manager: checks every argument before anything is sent (a bad one rejects the call
 * and sends nothing), turns a synchronous throw into a rejected promise (methods never
 * throw), and hands the checked arguments to the engine.
 */
function checkedManager(ops: RedisOperations, secrets: readonly string[]): StateManager {
  const guard = <T>(op: string, f: () => Promise<T>): Promise<T> => {
    try {
      return f();
    } catch (err) {
      return Promise.reject(unexpected(op, err, secrets));
    }
  };
  const manager: StateManager = {
    get: (key) =>
      guard('get', () => {
        assertKey(key, SOURCE);
        return ops.get(key);
      }),
    set: (key, value, opts?: SetOptions) =>
      guard('set', () => {
        assertKey(key, SOURCE);
        assertValue(value, key, SOURCE);
        return ops.set(key, value, resolveTtl(opts, key, SOURCE));
      }),
    delete: (key) =>
      guard('delete', () => {
        assertKey(key, SOURCE);
        return ops.delete(key);
      }),
    exists: (key) =>
      guard('exists', () => {
        assertKey(key, SOURCE);
        return ops.exists(key);
      }),
    getMany: (keys) =>
      guard('getMany', () => {
        assertKeys(keys, SOURCE);
        return ops.getMany(keys);
      }),
    setMany: (entries: readonly Entry[]) =>
      guard('setMany', () => ops.setMany(validateEntries(entries, SOURCE))),
    deleteMany: (keys) =>
      guard('deleteMany', () => {
        assertKeys(keys, SOURCE);
        return ops.deleteMany(keys);
      }),
    increment: (key, delta = 1, opts?: SetOptions) =>
      guard('increment', () => {
        assertKey(key, SOURCE);
        assertDelta(delta, key, SOURCE);
        return ops.increment(key, delta, resolveTtl(opts, key, SOURCE));
      }),
    compareAndSwap: (key, expected, next, opts?: SetOptions) =>
      guard('compareAndSwap', () => {
        assertKey(key, SOURCE);
        if (expected !== undefined) assertValue(expected, key, SOURCE);
        if (next !== undefined) assertValue(next, key, SOURCE);
        return ops.compareAndSwap(key, expected, next, resolveTtl(opts, key, SOURCE));
      }),
    ttl: (key) =>
      guard('ttl', () => {
        assertKey(key, SOURCE);
        return ops.ttl(key);
      }),
    expire: (key, ttl) =>
      guard('expire', () => {
        assertKey(key, SOURCE);
        if (ttl !== null) assertTtl(ttl, key, SOURCE);
        return ops.expire(key, ttl);
      }),
    keys: (opts?: PrefixOptions) => listChecked(ops, opts, secrets),
    clear: (opts?: PrefixOptions) => guard('clear', () => ops.clear(resolvePrefix(opts, SOURCE))),
    close: () => ops.close(),
    [Symbol.asyncDispose]: () => ops.close(),
  };
  return manager;
}

/** keys(): the prefix is checked when iteration starts (a generator cannot reject earlier). */
async function* listChecked(
  ops: RedisOperations,
  opts: PrefixOptions | undefined,
  secrets: readonly string[],
): AsyncGenerator<string> {
  let prefix: string;
  try {
    prefix = resolvePrefix(opts, SOURCE);
  } catch (err) {
    throw unexpected('keys', err, secrets);
  }
  yield* ops.keys(prefix);
}

/**
 * Opens a {@link StateManager} on Redis (standalone, Sentinel or Cluster) and waits for its
 * connections. Options are validated before any I/O (`ERR_STATE_CONFIG`); an unreachable
 * server rejects with `ERR_STATE_UNAVAILABLE` after `connectTimeoutMs`. `inspectState()` of
 * core reads its `mode`, `redis_version`, `used_memory_bytes`, `persistence` and `pool_size`.
 * @example
 * const state = await createRedisState({ url: 'redis://localhost:6379', namespace: 'my-server' });
 * await state.set('greeting', new TextEncoder().encode('hi'), { ttl: 60_000 });
 */
export async function createRedisState(options: RedisStateOptions = {}): Promise<StateManager> {
  const o = resolveCodeOptions(options);
  const r = new Runner(o);
  await connectPool(r.pool, o.connectTimeoutMs, o.secrets);
  const manager = checkedManager(createOperations(r, namespacePrefix(o.namespace)), o.secrets);
  return attachStateInfo(manager, {
    backend: 'redis',
    source: SOURCE,
    namespace: o.namespace,
    settlesLocally: false,
    inspect: () => inspectRedis(r),
  });
}
