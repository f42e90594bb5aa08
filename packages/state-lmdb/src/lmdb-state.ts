import {
  attachStateInfo,
  describeValue,
  type Entry,
  isStateError,
  namespacePrefix,
  type PrefixOptions,
  resolveNamespace,
  type SetOptions,
  StateError,
  type StateManager,
} from '@pforge/state-core';
import { createValidators } from '@pforge/state-core/backend';
import { acquireEnvironment, type Environment, releaseEnvironment } from './environment.js';
import { createLmdbOperations, type LmdbOperations } from './operations.js';
import { type LmdbStateOptions, parseStateOptions, SOURCE } from './options.js';

/** A {@link StateManager} on LMDB, with extras for operators and tests. */
export interface LmdbState extends StateManager {
  /** The real path of the directory. */
  readonly path: string;
  /**
   * Runs one sweep of expired keys now (all namespaces of the directory), at most
   * `limit` keys; resolves how many expiry-index entries it processed.
   * @default limit 1000
   */
  sweepExpired(limit?: number): Promise<number>;
  /** Entry counts of the whole directory (all namespaces): records and expiry-index entries. */
  stats(): Promise<{ records: number; expiryIndex: number }>;
}

/**
 * Opens a manager on the LMDB directory at `options.path` (created when missing). Managers
 * and processes opening the same directory share its data; within one process they share one
 * LMDB environment and one write queue. Options are validated before any I/O
 * (`ERR_STATE_CONFIG` naming the option); a directory that cannot be opened is
 * `ERR_STATE_CONFIG` or `ERR_STATE_BACKEND` naming the path.
 * @example
 * await using state = await createLmdbState({ path: './.pforge/state', namespace: 'my-server' });
 * await state.set('greeting', new TextEncoder().encode('hi'), { ttl: 60_000 });
 */
export async function createLmdbState(options: LmdbStateOptions): Promise<LmdbState> {
  const resolved = parseStateOptions(options);
  const namespace = resolveNamespace(resolved.namespace, SOURCE);
  const ns = namespacePrefix(namespace);
  const env = acquireEnvironment(resolved);
  // Longest key + namespace prefix + expiry header must fit LMDB's key limit.
  if (Buffer.byteLength(ns) + 1024 + 8 > env.maxKeyBytes) {
    await releaseEnvironment(env);
    throw new StateError(
      'ERR_STATE_CONFIG',
      `[${SOURCE}] \`namespace\` is too long for LMDB keys (${Buffer.byteLength(ns)} bytes escaped; at most ${env.maxKeyBytes - 1024 - 8})`,
    );
  }
  return buildManager(env, namespace);
}

function fail(op: string, err: unknown): StateError {
  if (isStateError(err)) return err;
  return new StateError(
    'ERR_STATE_BACKEND',
    `[${SOURCE}] ${op}() failed: ${(err as Error)?.message ?? describeValue(err)}`,
    { cause: err },
  );
}

function closedError(op: string): StateError {
  return new StateError('ERR_STATE_CLOSED', `[${SOURCE}] ${op}() called after close()`);
}

const v = createValidators(SOURCE);

function assertLimit(limit: unknown): number {
  if (!Number.isSafeInteger(limit) || (limit as number) < 1) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${SOURCE}] limit of sweepExpired() must be a positive integer (got ${describeValue(limit)})`,
    );
  }
  return limit as number;
}

type Call = <T>(op: string, fn: () => T | Promise<T>) => Promise<T>;

/** The data methods but `keys`: each checks its arguments, then calls the engine. */
function dataMethods(
  ops: LmdbOperations,
  call: Call,
): Omit<StateManager, 'keys' | 'close' | typeof Symbol.asyncDispose> {
  return {
    get: (key) => call('get', () => ops.get(v.key(key))),
    set: (key, value, options?: SetOptions) =>
      call('set', () => ops.set(v.key(key), v.value(value, key), v.setOptions(options, key))),
    delete: (key) => call('delete', () => ops.delete(v.key(key))),
    exists: (key) => call('exists', () => ops.exists(v.key(key))),
    getMany: (keys) => call('getMany', () => ops.getMany(v.keys(keys))),
    setMany: (entries: readonly Entry[]) => call('setMany', () => ops.setMany(v.entries(entries))),
    deleteMany: (keys) => call('deleteMany', () => ops.deleteMany(v.keys(keys))),
    increment: (key, delta, options?: SetOptions) =>
      call('increment', () =>
        ops.increment(v.key(key), v.delta(delta, key), v.setOptions(options, key)),
      ),
    compareAndSwap: (key, expected, next, options?: SetOptions) =>
      call('compareAndSwap', () =>
        ops.compareAndSwap(
          v.key(key),
          v.optionalValue(expected, key),
          v.optionalValue(next, key),
          v.setOptions(options, key),
        ),
      ),
    ttl: (key) => call('ttl', () => ops.ttl(v.key(key))),
    expire: (key, ttl) => call('expire', () => ops.expire(v.key(key), v.expireTtl(ttl, key))),
    clear: (options?: PrefixOptions) => call('clear', () => ops.clear(v.prefix(options))),
  };
}

/**
 * The manager: argument checks and the closed state around the engine of `operations.ts`
 * (the part a port onto core's manager base replaces). Every method works detached.
 */
function buildManager(env: Environment, namespace: string): LmdbState {
  const ops = createLmdbOperations(env, namespacePrefix(namespace));
  let closed = false;
  let closing: Promise<void> | undefined;

  /** Closed check, and every failure (synchronous or not) a rejected StateError. */
  const call: Call = (op, fn) => {
    if (closed) return Promise.reject(closedError(op));
    try {
      const r = fn();
      return r instanceof Promise
        ? r.catch((err: unknown) => Promise.reject(fail(op, err)))
        : Promise.resolve(r);
    } catch (err) {
      return Promise.reject(fail(op, err));
    }
  };

  async function* scanKeys(options?: PrefixOptions): AsyncGenerator<string> {
    if (closed) throw closedError('keys');
    try {
      for await (const key of ops.keys(v.prefix(options))) {
        if (closed) throw closedError('keys');
        yield key;
      }
    } catch (err) {
      throw fail('keys', err);
    }
  }

  const manager: LmdbState = {
    path: env.path,
    ...dataMethods(ops, call),
    keys: (options?: PrefixOptions) => scanKeys(options),
    sweepExpired: (limit = 1000) =>
      call('sweepExpired', () => ops.sweepExpired(assertLimit(limit))),
    stats: () => call('stats', ops.stats),
    close() {
      if (closing) return closing;
      closed = true;
      closing = releaseEnvironment(env).catch((err: unknown) => {
        throw new StateError('ERR_STATE_BACKEND', `[${SOURCE}] close() failed`, { cause: err });
      });
      return closing;
    },
    [Symbol.asyncDispose]: () => manager.close(),
  };
  return attachStateInfo(manager, {
    backend: 'lmdb',
    source: SOURCE,
    namespace,
    settlesLocally: true,
    inspect: () => call('inspect', ops.inspect),
  });
}
