import {
  createDriverManager,
  equalBytes,
  type StateManager,
  type StoreDriver,
  type StoredEntry,
} from '@pforge/state-core';

/** The package name: shown in every error message and used as `backend:` in config. */
export const SOURCE = '@acme/state-kv';

/** Options of {@link createKvState}. */
export interface KvStateOptions {
  /** Keys of other namespaces are never seen. @default 'pforge' */
  namespace?: string | undefined;
  /** The in-process store to open: managers opened with the same name share data. @default 'default' */
  store?: string | undefined;
}

type Table = Map<string, StoredEntry>;

/** Every store of this process, by name; a store lives as long as the process. */
const stores = new Map<string, Table>();

/** Expired entries are dropped on access, and all of them every this many writes. */
const SWEEP_EVERY_WRITES = 1024;

/**
 * Opens a manager on the in-process store `options.store`.
 * @example
 * await using state = createKvState({ namespace: 'app' });
 * await state.set('greeting', new TextEncoder().encode('hi'), { ttl: 60_000 });
 */
export function createKvState(options: KvStateOptions = {}): StateManager {
  const name = options.store ?? 'default';
  let table = stores.get(name);
  if (table === undefined) {
    table = new Map();
    stores.set(name, table);
  }
  return createDriverManager(createKvDriver(table), {
    source: SOURCE,
    namespace: options.namespace,
  });
}

/**
 * The driver: the six required methods plus atomic `writeMany`/`removeMany`. Each method
 * touches the Map without an `await` in between, so it is atomic in a single-threaded process.
 */
function createKvDriver(table: Table): StoreDriver {
  let writes = 0;
  const live = (key: string, now = Date.now()): StoredEntry | undefined => {
    const e = table.get(key);
    if (e?.expiresAt !== undefined && e.expiresAt <= now) {
      table.delete(key);
      return undefined;
    }
    return e;
  };
  const put = (key: string, entry: StoredEntry): void => {
    table.set(key, entry);
    if (++writes % SWEEP_EVERY_WRITES === 0) {
      const now = Date.now();
      for (const k of table.keys()) live(k, now);
    }
  };
  const drop = (key: string): boolean => live(key) !== undefined && table.delete(key);

  return {
    read: async (key) => live(key),
    write: async (key, entry) => put(key, entry),
    remove: async (key) => drop(key),
    compareAndSwap: async (key, expected, next) => {
      const current = live(key)?.value;
      const same =
        current === undefined || expected === undefined
          ? current === expected
          : equalBytes(current, expected);
      if (!same) return false;
      if (next === undefined) table.delete(key);
      else put(key, next);
      return true;
    },
    // A Map iterator is lazy and stays valid while the Map changes underneath it.
    scan: async function* (prefix) {
      for (const key of table.keys()) {
        if (key.startsWith(prefix) && live(key) !== undefined) yield key;
      }
    },
    writeMany: async (entries) => {
      for (const [key, entry] of entries) put(key, entry);
    },
    removeMany: async (keys) => {
      let removed = 0;
      for (const key of new Set(keys)) if (drop(key)) removed++;
      return removed;
    },
    close: async () => {},
  };
}
