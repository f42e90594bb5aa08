import { StateError } from '@pforge/state-core';
import {
  type DatabaseOptions,
  open,
  type RootDatabase,
  type RootDatabaseOptionsWithPath,
} from 'lmdb';
import { prepareDirectory } from './directory.js';
import { checkLmdbFiles } from './file-check.js';
import type { ResolvedLmdbOptions } from './options.js';
import { type ExpiryKey, expiryKeyEncoder, recordKeyEncoder } from './record.js';
import { SOURCE } from './source.js';
import type { Environment, Store } from './store.js';
import { startSweeper } from './sweeper.js';
import { type Commit, createWriteQueue } from './write-queue.js';

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

/** The two databases of a directory: records (the main database) and the expiry index. */
interface Stores {
  root: RootDatabase;
  records: Store<string>;
  expiry: Store<ExpiryKey>;
}

function openStores(path: string, options: ResolvedLmdbOptions): Stores {
  // Records live in LMDB's main database: a commit that touches only them then writes no
  // page for a named database's entry. The one named database (the expiry index) is an
  // entry of the main database too; no record key can equal its name, as every record key
  // holds the `:` that ends its namespace prefix. lmdb-js takes `keyEncoder` (README
  // "Custom Key Encoding") but does not type it.
  const root = open({
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
  try {
    const expiry = root.openDB({
      name: 'pforge.expiry',
      encoding: 'binary',
      keyEncoder: expiryKeyEncoder,
    } as DatabaseOptions & { name: string }) as unknown as Store<ExpiryKey>;
    return { root, records: root as unknown as Store<string>, expiry };
  } catch (err) {
    void root.close().catch(() => undefined);
    throw err;
  }
}

/** The `fresh()` of an environment: renews the read snapshot once per event-loop task. */
function freshener(records: Store<string>): () => void {
  let freshThisTurn = false;
  const endTurn = () => {
    freshThisTurn = false;
  };
  return () => {
    if (freshThisTurn) return;
    records.resetReadTxn();
    freshThisTurn = true;
    // The tick queue runs once the microtask queue is empty, i.e. when the current
    // event-loop task (an I/O callback, a timer, an immediate) is done with everything it
    // awaits synchronously. So one renewal serves a whole task (a tight await loop
    // included), and the next task, which may carry news of another process's write,
    // always starts from a fresh snapshot.
    process.nextTick(endTurn);
  };
}

function openEnvironment(path: string, options: ResolvedLmdbOptions): Environment {
  checkLmdbFiles(path);
  let stores: Stores;
  try {
    stores = openStores(path, options);
  } catch (err) {
    throw new StateError(
      'ERR_STATE_BACKEND',
      `[${SOURCE}] cannot open the LMDB store at \`path\` ${JSON.stringify(path)}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const { root, records, expiry } = stores;
  return {
    path,
    durability: options.durability,
    root,
    records,
    expiry,
    maxKeyBytes: (root as RootDatabase & { maxKeySize?: number }).maxKeySize ?? 1978,
    fresh: freshener(records),
    queue: createWriteQueue(commitFor(root)),
    refs: 1,
    sweeper: undefined,
  };
}
