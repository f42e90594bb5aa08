import type { StateManager } from '@pforge/state-core';
import {
  createManager,
  equalBytes,
  namespacePrefix,
  type StoredEntry,
  type StoreOperations,
} from '@pforge/state-core/backend';

/**
 * A tiny shared-Map backend built on core's one base from the five entry primitives, for
 * testing the patterns against the bare `StateManager` contract. Every primitive yields to
 * the event loop a random number of times first, so concurrent calls really interleave
 * (read-then-write races would show); the base serialises calls, as it does for any backend
 * that does not declare `keepsIssueOrder`.
 */
export function createMapStore(): { open(namespace?: string): StateManager } {
  const map = new Map<string, StoredEntry>();
  return {
    open: (namespace = 'pforge') =>
      createManager({
        source: 'map-test',
        backend: 'map-test',
        namespace,
        operations: mapOperations(map, namespacePrefix(namespace)),
      }),
  };
}

async function jitter(): Promise<void> {
  for (let i = Math.floor(Math.random() * 3); i > 0; i--) {
    await new Promise((r) => setImmediate(r));
  }
}

function mapOperations(map: Map<string, StoredEntry>, ns: string): StoreOperations {
  const live = (key: string): StoredEntry | undefined => {
    const e = map.get(ns + key);
    if (e?.expiresAt === undefined || e.expiresAt > Date.now()) return e;
    map.delete(ns + key);
    return undefined;
  };
  const same = (a: StoredEntry | undefined, b: StoredEntry | undefined): boolean =>
    a === b || (!!a && !!b && a.expiresAt === b.expiresAt && equalBytes(a.value, b.value));
  return {
    read: async (key) => {
      await jitter();
      return live(key);
    },
    write: async (key, entry) => {
      await jitter();
      map.set(ns + key, entry);
    },
    remove: async (key) => {
      await jitter();
      return live(key) !== undefined && map.delete(ns + key);
    },
    swap: async (key, expected, next) => {
      await jitter();
      if (!same(live(key), expected)) return false;
      if (next === undefined) map.delete(ns + key);
      else map.set(ns + key, next);
      return true;
    },
    scan: async function* (prefix) {
      for (const full of [...map.keys()]) {
        const key = full.slice(ns.length);
        if (full.startsWith(ns + prefix) && live(key)) yield key;
      }
    },
  };
}
