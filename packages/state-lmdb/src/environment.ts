import { StateError } from '@pforge/state-core';
import {
  type DatabaseOptions,
  open,
  type RootDatabase,
  type RootDatabaseOptionsWithPath,
} from 'lmdb';
import { prepareDirectory } from './directory.js';
import { checkLmdbFiles } from './file-check.js';
import type { Durability, ResolvedLmdbOptions } from './options.js';
import { SOURCE } from './options.js';
import { type ExpiryKey, expiryKeyEncoder, recordKeyEncoder } from './record.js';
import { type Sweeper, startSweeper } from './sweeper.js';
import { type Commit, createWriteQueue, type WriteQueue } from './write-queue.js';

/** The part of an lmdb-js database used here, typed for its key type. */
export interface Store<K> {
  /** A reused buffer (or, for large values, a view of the map): valid until the next read. */
  getBinaryFast(key: K): Uint8Array | undefined;
  /** Inside a write transaction: writes at once. */
  put(key: K, value: Buffer): unknown;
  /** Inside a write transaction: removes at once. */
  remove(key: K): unknown;
  getRange(options: {
    start?: K;
    end?: K;
    limit?: number;
  }): Iterable<{ key: K; value: Uint8Array }>;
  getKeys(options: { start?: K; end?: K; limit?: number }): Iterable<K>;
  transactionSync<T>(body: () => T, flags?: number): T;
  resetReadTxn(): void;
  getStats(): LmdbStats;
}

/** What lmdb-js's `getStats()` reports (the part used here). */
export interface LmdbStats {
  /** Entries of this database. */
  entryCount: number;
  /** LMDB's page size, in bytes. */
  pageSize: number;
  /** The current size of the memory map, in bytes. */
  mapSize: number;
  /** The number of the last page in use (pages count from 0). */
  lastPageNumber: number;
}

/** One open LMDB directory, shared by every manager of this process that opens it. */
export interface Environment {
  /** The real path of the directory (the registry key). */
  readonly path: string;
  readonly durability: Durability;
  readonly root: RootDatabase;
  /** Records (LMDB's main database): full key (namespace prefix + key) to header + value. */
  readonly records: Store<string>;
  /** Expiry index (the named database `pforge.expiry`): (due time, full key) to nothing. */
  readonly expiry: Store<ExpiryKey>;
  /** The longest key LMDB takes here, in bytes. */
  readonly maxKeyBytes: number;
  /**
   * Makes the next read see every commit acknowledged before the current event-loop task
   * began, in any process: renews the read snapshot once per task (lmdb-js alone may keep
   * one for a millisecond or more).
   */
  fresh(): void;
  /** The group commit of every write (and of reads issued while writes wait). */
  readonly queue: WriteQueue;
  refs: number;
  sweeper: Sweeper | undefined;
}

const REGISTRY_KEY = Symbol.for('@pforge/state-lmdb/environments');
// On globalThis so the ESM and the CJS build share it: LMDB must not open a path twice.
const globalSlots = globalThis as Record<symbol, Map<string, Environment> | undefined>;
const registry: Map<string, Environment> = globalSlots[REGISTRY_KEY] ?? new Map();
globalSlots[REGISTRY_KEY] = registry;

/** Opens (or joins) the environment at `options.path`. Throws `ERR_STATE_CONFIG`/`ERR_STATE_BACKEND`. */
export function acquireEnvironment(options: ResolvedLmdbOptions): Environment {
  const path = prepareDirectory(options.path);
  const existing = registry.get(path);
  if (existing) {
    if (existing.durability !== options.durability) {
      throw new StateError(
        'ERR_STATE_CONFIG',
        `[${SOURCE}] \`durability\` is "${options.durability}" but ${JSON.stringify(path)} is already open in this process with "${existing.durability}"; use one level per directory`,
      );
    }
    existing.refs++;
    return existing;
  }
  const env = openEnvironment(path, options);
  registry.set(path, env);
  if (options.sweepIntervalMs > 0) {
    env.sweeper = startSweeper(env, options.sweepIntervalMs, options.sweepBatchSize);
  }
  return env;
}

/**
 * Drops one user of `env`; the last one stops the sweep, lets every queued operation settle
 * and closes the directory.
 */
export async function releaseEnvironment(env: Environment): Promise<void> {
  if (--env.refs > 0) return;
  registry.delete(env.path);
  await env.sweeper?.stop();
  await env.queue.drain();
  await env.root.close();
}

/**
 * How a group's transaction commits: lmdb-js's default for `transactionSync` (ABORTABLE |
 * SYNCHRONOUS_COMMIT) at every level, so `transactionSync` returns once the commit is as durable
 * as the environment's flags make it (checked with `strace`, see the README, "Durability"):
 * - `sync`: the data pages are fsync'd and the meta page written synchronously, inside LMDB's
 *   write lock.
 * - `overlapped` (the environment has lmdb-js `overlappingSync`): the same. lmdb-js can also
 *   commit with NO_SYNC_FLUSH (0x10000), releasing the write lock before the flush, as its
 *   own asynchronous writes do at this level; with several processes writing, that lost whole
 *   commits and corrupted pages (`mdb_page_touch`, MDB_BAD_TXN) in stress runs here, while the
 *   default flags never did (`scripts/overlapping-flush-repro.mjs`).
 * - `none` (the environment has `noSync`): no fsync; it returns once the commit is in the file.
 */
function commitFor(root: RootDatabase): Commit {
  const store = root as unknown as Store<string>;
  return (body) => {
    store.transactionSync(body);
  };
}

function openEnvironment(path: string, options: ResolvedLmdbOptions): Environment {
  checkLmdbFiles(path);
  let root: RootDatabase | undefined;
  try {
    // Records live in LMDB's main database: a commit that touches only them then writes no
    // page for a named database's entry. The one named database (the expiry index) is an
    // entry of the main database too; no record key can equal its name, as every record key
    // holds the `:` that ends its namespace prefix. lmdb-js takes `keyEncoder` (README
    // "Custom Key Encoding") but does not type it.
    root = open({
      path,
      // lmdb-js takes a path whose name has an extension (`state.lmdb`) for a file.
      noSubdir: false,
      maxDbs: 2,
      mapSize: options.mapSize,
      noSync: options.durability === 'none',
      overlappingSync: options.durability === 'overlapped',
      encoding: 'binary',
      keyEncoder: recordKeyEncoder,
    } as RootDatabaseOptionsWithPath);
    const records = root as unknown as Store<string>;
    const expiry = root.openDB({
      name: 'pforge.expiry',
      encoding: 'binary',
      keyEncoder: expiryKeyEncoder,
    } as DatabaseOptions & { name: string }) as unknown as Store<ExpiryKey>;
    let freshThisTurn = false;
    const endTurn = () => {
      freshThisTurn = false;
    };
    return {
      path,
      durability: options.durability,
      root,
      records,
      expiry,
      maxKeyBytes: (root as RootDatabase & { maxKeySize?: number }).maxKeySize ?? 1978,
      fresh() {
        if (freshThisTurn) return;
        records.resetReadTxn();
        freshThisTurn = true;
        // The tick queue runs once the microtask queue is empty, i.e. when the current
        // event-loop task (an I/O callback, a timer, an immediate) is done with everything it
        // awaits synchronously. So one renewal serves a whole task (a tight await loop
        // included), and the next task, which may carry news of another process's write,
        // always starts from a fresh snapshot.
        process.nextTick(endTurn);
      },
      queue: createWriteQueue(commitFor(root)),
      refs: 1,
      sweeper: undefined,
    };
  } catch (err) {
    void root?.close().catch(() => undefined);
    throw new StateError(
      'ERR_STATE_BACKEND',
      `[${SOURCE}] cannot open the LMDB store at \`path\` ${JSON.stringify(path)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
}
