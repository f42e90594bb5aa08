import { setImmediate as tick } from 'node:timers/promises';
import type { StateManager } from '../src/index.js';
import {
  createDriverManager,
  equalBytes,
  type StoreDriver,
  type StoredEntry,
} from '../src/index.js';

/**
 * A tiny in-memory driver for tests. Every method yields to the event loop first, so
 * concurrent callers really interleave between a read and a compare-and-swap.
 */
export function createMapDriver(store = new Map<string, StoredEntry>()): StoreDriver {
  const live = (key: string): StoredEntry | undefined => {
    const e = store.get(key);
    if (e && e.expiresAt !== undefined && e.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return e;
  };
  return {
    async read(key) {
      await tick();
      return live(key);
    },
    async write(key, entry) {
      await tick();
      store.set(key, entry);
    },
    async remove(key) {
      await tick();
      const had = live(key) !== undefined;
      store.delete(key);
      return had;
    },
    async compareAndSwap(key, expected, next) {
      await tick();
      const cur = live(key);
      const same =
        cur === undefined
          ? expected === undefined
          : expected !== undefined && equalBytes(cur.value, expected);
      if (!same) return false;
      if (next === undefined) store.delete(key);
      else store.set(key, next);
      return true;
    },
    async *scan(prefix) {
      for (const key of [...store.keys()]) if (key.startsWith(prefix) && live(key)) yield key;
    },
    async close() {},
  };
}

/** A manager on a fresh (or the given) map. */
export function createMapState(namespace?: string, store?: Map<string, StoredEntry>): StateManager {
  return createDriverManager(createMapDriver(store), {
    source: 'test-map',
    ...(namespace === undefined ? {} : { namespace }),
  });
}
