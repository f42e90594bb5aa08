import {
  assertDelta,
  assertKey,
  assertKeys,
  assertTtl,
  assertValue,
  copyBytes,
  describeValue,
  type Entry,
  isStateError,
  namespacePrefix,
  type PrefixOptions,
  resolveNamespace,
  resolvePrefix,
  resolveTtl,
  type SetOptions,
  StateError,
  type StateManager,
} from '@pforge/state-core';
import { acquireEnvironment, type Environment, releaseEnvironment } from './environment.js';
import { type LmdbStateOptions, parseStateOptions, SOURCE } from './options.js';
import { allocateRecord, copyValue, isLive, planExpiry, recordExpiresAt } from './record.js';
import { sweepExpired } from './sweeper.js';
import * as txn from './transactions.js';

/** A {@link StateManager} on LMDB, with two extras for operators and tests. */
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

const KEYS_PAGE = 256;
const CLEAR_STEP = 1000;
const RESOLVED_UNDEFINED: Promise<undefined> = Promise.resolve(undefined);
const toVoid = (): void => undefined;

/**
 * Opens a manager on the LMDB directory at `options.path` (created when missing). Managers
 * and processes opening the same directory share its data; within one process they share one
 * LMDB environment. Options are validated before any I/O (`ERR_STATE_CONFIG` naming the
 * option); a directory that cannot be opened is `ERR_STATE_CONFIG` or `ERR_STATE_BACKEND`
 * naming the path.
 * @example
 * await using state = await createLmdbState({ path: './.pforge/state', namespace: 'my-server' });
 * await state.set('greeting', new TextEncoder().encode('hi'), { ttl: 60_000 });
 */
export async function createLmdbState(options: LmdbStateOptions): Promise<LmdbState> {
  const resolved = parseStateOptions(options);
  const ns = namespacePrefix(resolveNamespace(resolved.namespace, SOURCE));
  const env = acquireEnvironment(resolved);
  // Longest key + namespace prefix + expiry header must fit LMDB's key limit.
  if (Buffer.byteLength(ns) + 1024 + 8 > env.maxKeyBytes) {
    await releaseEnvironment(env);
    throw new StateError(
      'ERR_STATE_CONFIG',
      `[${SOURCE}] \`namespace\` is too long for LMDB keys (${Buffer.byteLength(ns)} bytes escaped; at most ${env.maxKeyBytes - 1024 - 8})`,
    );
  }
  return buildManager(env, ns);
}

function fail(op: string, err: unknown): StateError {
  if (isStateError(err)) return err;
  return new StateError(
    'ERR_STATE_BACKEND',
    `[${SOURCE}] ${op}() failed: ${(err as Error)?.message ?? describeValue(err)}`,
    { cause: err },
  );
}

const rejectSet = (err: unknown): Promise<never> => Promise.reject(fail('set', err));

function closedError(op: string): StateError {
  return new StateError('ERR_STATE_CLOSED', `[${SOURCE}] ${op}() called after close()`);
}

function buildManager(env: Environment, ns: string): LmdbState {
  const { records, expiry } = env;
  let closed = false;
  let closing: Promise<void> | undefined;

  /** Guards the slower operations: closed check, and every failure a rejected StateError. */
  const run = async <T>(op: string, fn: () => T | Promise<T>): Promise<T> => {
    if (closed) throw closedError(op);
    try {
      return await fn();
    } catch (err) {
      throw fail(op, err);
    }
  };

  const readLive = (key: string, now = Date.now()): Uint8Array | undefined => {
    env.fresh();
    const record = records.getBinaryFast(ns + key);
    return record === undefined || !isLive(recordExpiresAt(record), now) ? undefined : record;
  };

  async function* scanKeys(options?: PrefixOptions): AsyncGenerator<string> {
    const prefix = ns + (await run('keys', () => resolvePrefix(options, SOURCE)));
    let start = prefix;
    for (;;) {
      const page = await run('keys', () => keysPage(prefix, start));
      for (const key of page.live) {
        if (closed) throw closedError('keys');
        yield key.slice(ns.length);
      }
      if (page.last === undefined) return;
      // The next key in UTF-8 byte order after `last` is `last` + NUL.
      start = `${page.last}\u0000`;
    }
  }

  const keysPage = (prefix: string, start: string) => {
    env.fresh();
    const now = Date.now();
    const live: string[] = [];
    let seen = 0;
    let last: string | undefined;
    for (const { key, value } of records.getRange({ start, limit: KEYS_PAGE })) {
      if (!key.startsWith(prefix)) return { live, last: undefined };
      seen++;
      last = key;
      if (isLive(recordExpiresAt(value), now)) live.push(key);
    }
    return { live, last: seen === KEYS_PAGE ? last : undefined };
  };

  // get, set and getMany are the hot paths: plain functions, no async wrapper.
  const manager: LmdbState = {
    path: env.path,
    get(key) {
      if (closed) return Promise.reject(closedError('get'));
      try {
        assertKey(key, SOURCE);
        env.fresh();
        const record = records.getBinaryFast(ns + key);
        if (record === undefined) return RESOLVED_UNDEFINED;
        const expiresAt = recordExpiresAt(record);
        if (expiresAt !== 0 && expiresAt <= Date.now()) return RESOLVED_UNDEFINED;
        return Promise.resolve(copyValue(record, record.length));
      } catch (err) {
        return Promise.reject(fail('get', err));
      }
    },
    set(key, value, options?: SetOptions) {
      if (closed) return Promise.reject(closedError('set'));
      try {
        assertKey(key, SOURCE);
        assertValue(value, key, SOURCE);
        const ttlMs = resolveTtl(options, key, SOURCE);
        const full = ns + key;
        let written: Promise<boolean>;
        if (ttlMs === undefined) {
          written = records.put(full, allocateRecord(value, false));
        } else {
          // An index entry this process wrote for the same bucket is still there (see
          // index-memo.ts): then no index write at all. Index entry and record go in one
          // event turn, so one lmdb-js batch, index first.
          const now = Date.now();
          const unknown = planExpiry(ttlMs, now, 0);
          const plan = env.indexMemo.has(full, unknown.bucket)
            ? planExpiry(ttlMs, now, unknown.bucket)
            : unknown;
          written = txn.putRecord(env, full, value, plan);
          if (plan.index) env.indexMemo.add(full, plan.bucket);
        }
        return written.then(toVoid, rejectSet);
      } catch (err) {
        return Promise.reject(fail('set', err));
      }
    },
    getMany(keys) {
      if (closed) return Promise.reject(closedError('getMany'));
      try {
        assertKeys(keys, SOURCE);
        env.fresh();
        const now = Date.now();
        const out = new Array<Uint8Array | undefined>(keys.length);
        for (let i = 0; i < keys.length; i++) {
          const record = records.getBinaryFast(ns + keys[i]);
          out[i] =
            record === undefined || !isLive(recordExpiresAt(record), now)
              ? undefined
              : copyValue(record, record.length);
        }
        return Promise.resolve(out);
      } catch (err) {
        return Promise.reject(fail('getMany', err));
      }
    },
    delete: (key) =>
      run('delete', () => {
        assertKey(key, SOURCE);
        return txn.remove(env, ns + key);
      }),
    exists: (key) =>
      run('exists', () => {
        assertKey(key, SOURCE);
        return readLive(key) !== undefined;
      }),
    setMany: (entries: readonly Entry[]) =>
      run('setMany', () => {
        const batch = txn.encodeBatch(entries, ns);
        return batch.keys.length === 0 ? undefined : txn.setMany(env, batch);
      }),
    deleteMany: (keys) =>
      run('deleteMany', () => {
        assertKeys(keys, SOURCE);
        return keys.length === 0 ? 0 : txn.deleteMany(env, new Set(keys.map((k) => ns + k)));
      }),
    increment: (key, delta = 1, options?: SetOptions) =>
      run('increment', () => {
        assertKey(key, SOURCE);
        assertDelta(delta, key, SOURCE);
        return txn.increment(env, ns + key, key, delta, resolveTtl(options, key, SOURCE));
      }),
    compareAndSwap: (key, expected, next, options?: SetOptions) =>
      run('compareAndSwap', () => {
        assertKey(key, SOURCE);
        if (expected !== undefined) assertValue(expected, key, SOURCE);
        if (next !== undefined) assertValue(next, key, SOURCE);
        const ttlMs = resolveTtl(options, key, SOURCE);
        const exp = expected === undefined ? undefined : copyBytes(expected);
        const nxt = next === undefined ? undefined : allocateRecord(next, ttlMs !== undefined);
        return txn.compareAndSwap(env, ns + key, exp, nxt, ttlMs);
      }),
    ttl: (key) =>
      run('ttl', () => {
        assertKey(key, SOURCE);
        const now = Date.now();
        const record = readLive(key, now);
        if (record === undefined) return undefined;
        const expiresAt = recordExpiresAt(record);
        return expiresAt === 0 ? null : Math.max(1, expiresAt - now);
      }),
    expire: (key, ttl) =>
      run('expire', () => {
        assertKey(key, SOURCE);
        if (ttl !== null) assertTtl(ttl, key, SOURCE);
        return txn.expire(env, ns + key, ttl === null ? undefined : ttl);
      }),
    keys: (options?: PrefixOptions) => scanKeys(options),
    clear: (options?: PrefixOptions) =>
      run('clear', async () => {
        const prefix = ns + resolvePrefix(options, SOURCE);
        let total = 0;
        for (;;) {
          const step = await txn.clearStep(env, prefix, CLEAR_STEP);
          total += step.removed;
          if (!step.more) return total;
        }
      }),
    sweepExpired: (limit = 1000) =>
      run('sweepExpired', () => {
        if (!Number.isSafeInteger(limit) || limit < 1) {
          throw new StateError(
            'ERR_STATE_INVALID_ARGUMENT',
            `[${SOURCE}] limit of sweepExpired() must be a positive integer (got ${describeValue(limit)})`,
          );
        }
        return sweepExpired(env, limit);
      }),
    stats: () =>
      run('stats', () => {
        env.fresh();
        // The main database also holds the entry naming the expiry index.
        return {
          records: records.getStats().entryCount - 1,
          expiryIndex: expiry.getStats().entryCount,
        };
      }),
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
  return manager;
}
