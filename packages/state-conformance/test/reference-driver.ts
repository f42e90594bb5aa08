import {
  createDriverManager,
  equalBytes,
  type StateManager,
  type StoreDriver,
  type StoredEntry,
} from '@pforge/state-core';

/** A correct in-process Map driver (the reference the mutation tests break on purpose). */
export function createReferenceStore(tweak: (driver: StoreDriver) => StoreDriver = (d) => d): {
  open(namespace: string): StateManager;
  map: Map<string, StoredEntry>;
} {
  const map = new Map<string, StoredEntry>();
  const live = (k: string) => {
    const e = map.get(k);
    if (e && e.expiresAt !== undefined && e.expiresAt <= Date.now()) {
      map.delete(k);
      return undefined;
    }
    return e;
  };
  const driver: StoreDriver = {
    read: async (k) => live(k),
    write: async (k, e) => {
      map.set(k, e);
    },
    remove: async (k) => live(k) !== undefined && map.delete(k),
    compareAndSwap: async (k, expected, next) => {
      const cur = live(k);
      const same =
        cur === undefined || expected === undefined
          ? cur === expected
          : equalBytes(cur.value, expected);
      if (!same) return false;
      if (next === undefined) map.delete(k);
      else map.set(k, next);
      return true;
    },
    scan: async function* (prefix) {
      for (const k of [...map.keys()]) if (k.startsWith(prefix) && live(k)) yield k;
    },
    writeMany: async (entries) => {
      for (const [k, e] of entries) map.set(k, e);
    },
    removeMany: async (keys) => {
      let n = 0;
      for (const k of new Set(keys)) if (live(k) && map.delete(k)) n++;
      return n;
    },
    close: async () => {},
  };
  const used = tweak(driver);
  return {
    open: (namespace) => createDriverManager(used, { source: 'reference', namespace }),
    map,
  };
}
