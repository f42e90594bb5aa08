import {
  createDriverManager,
  equalBytes,
  type StateManager,
  type StoreDriver,
  type StoredEntry,
} from '@pforge/state-core';

/**
 * A tiny shared-Map backend built with core's driver base, for testing the patterns against
 * the bare `StateManager` contract. Every operation yields to the event loop a random number
 * of times first, so concurrent calls really interleave (read-then-write races would show).
 */
export function createMapStore(): { open(namespace?: string): StateManager } {
  const map = new Map<string, StoredEntry>();
  const jitter = async () => {
    for (let i = Math.floor(Math.random() * 3); i > 0; i--)
      await new Promise((r) => setImmediate(r));
  };
  const live = (key: string) => {
    const e = map.get(key);
    if (e && e.expiresAt !== undefined && e.expiresAt <= Date.now()) {
      map.delete(key);
      return undefined;
    }
    return e;
  };
  const driver: StoreDriver = {
    read: async (key) => {
      await jitter();
      return live(key);
    },
    write: async (key, entry) => {
      await jitter();
      map.set(key, entry);
    },
    remove: async (key) => {
      await jitter();
      const had = live(key) !== undefined;
      map.delete(key);
      return had;
    },
    compareAndSwap: async (key, expected, next) => {
      await jitter();
      const cur = live(key)?.value;
      const same =
        cur === undefined || expected === undefined ? cur === expected : equalBytes(cur, expected);
      if (!same) return false;
      if (next === undefined) map.delete(key);
      else map.set(key, next);
      return true;
    },
    scan: async function* (prefix) {
      for (const k of [...map.keys()]) if (k.startsWith(prefix) && live(k)) yield k;
    },
    close: async () => {},
  };
  return {
    open: (namespace = 'pforge') => createDriverManager(driver, { source: 'map-test', namespace }),
  };
}
