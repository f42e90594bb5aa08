import { setImmediate as tick } from 'node:timers/promises';
import {
  createManager,
  equalBytes,
  namespacePrefix,
  type StoredEntry,
  type StoreOperations,
} from '../src/backend.js';
import type { StateManager } from '../src/index.js';

const sameEntry = (a: StoredEntry | undefined, b: StoredEntry | undefined): boolean =>
  a === undefined || b === undefined
    ? a === b
    : a.expiresAt === b.expiresAt && equalBytes(a.value, b.value);

/**
 * The five entry primitives over a Map, for tests. Every method yields to the event loop
 * first, so concurrent callers really interleave between a read and a swap.
 */
export function createMapOperations(
  store = new Map<string, StoredEntry>(),
  namespace = 'pforge',
): StoreOperations {
  const ns = namespacePrefix(namespace);
  const live = (key: string): StoredEntry | undefined => {
    const e = store.get(ns + key);
    if (e && e.expiresAt !== undefined && e.expiresAt <= Date.now()) {
      store.delete(ns + key);
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
      store.set(ns + key, entry);
    },
    async remove(key) {
      await tick();
      const had = live(key) !== undefined;
      store.delete(ns + key);
      return had;
    },
    async swap(key, expected, next) {
      await tick();
      if (!sameEntry(live(key), expected)) return false;
      if (next === undefined) store.delete(ns + key);
      else store.set(ns + key, next);
      return true;
    },
    async *scan(prefix) {
      for (const full of [...store.keys()]) {
        const key = full.slice(ns.length);
        if (full.startsWith(ns + prefix) && live(key)) yield key;
      }
    },
  };
}

/** A manager on a fresh (or the given) map. */
export function createMapState(
  namespace = 'pforge',
  store?: Map<string, StoredEntry>,
): StateManager {
  return createManager({
    source: 'test-map',
    backend: 'test-map',
    namespace,
    operations: createMapOperations(store, namespace),
  });
}
