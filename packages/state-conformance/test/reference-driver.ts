import type { StateManager } from '@pforge/state-core';
import {
  createManager,
  equalBytes,
  namespacePrefix,
  type StoredEntry,
  type StoreOperations,
} from '@pforge/state-core/backend';

const sameEntry = (a: StoredEntry | undefined, b: StoredEntry | undefined): boolean =>
  a === undefined || b === undefined
    ? a === b
    : a.expiresAt === b.expiresAt && equalBytes(a.value, b.value);

/** The Map behind the reference, for mutants that break it from below. */
export interface RawStore {
  map: Map<string, StoredEntry>;
  ns: string;
}

/** A correct in-process Map backend on core's base (the reference the mutants break). */
export function createReferenceStore(
  tweak: (ops: StoreOperations, raw: RawStore) => StoreOperations = (o) => o,
): {
  open(namespace: string): StateManager;
  map: Map<string, StoredEntry>;
} {
  const map = new Map<string, StoredEntry>();
  const operationsFor = (ns: string): StoreOperations => {
    const live = (k: string) => {
      const e = map.get(ns + k);
      if (e?.expiresAt === undefined || e.expiresAt > Date.now()) return e;
      map.delete(ns + k);
      return undefined;
    };
    const remove = (k: string) => live(k) !== undefined && map.delete(ns + k);
    return {
      read: async (k) => live(k),
      write: async (k, e) => void map.set(ns + k, e),
      remove: async (k) => remove(k),
      swap: async (k, expected, next) => {
        if (!sameEntry(live(k), expected)) return false;
        if (next === undefined) map.delete(ns + k);
        else map.set(ns + k, next);
        return true;
      },
      scan: async function* (prefix) {
        for (const full of [...map.keys()]) {
          const k = full.slice(ns.length);
          if (full.startsWith(ns + prefix) && live(k)) yield k;
        }
      },
      setMany: async (entries) => {
        const now = Date.now();
        for (const e of entries) {
          map.set(ns + e.key, { value: new Uint8Array(e.value), expiresAt: e.ttl && now + e.ttl });
        }
      },
      deleteMany: async (keys) => [...new Set(keys)].filter(remove).length,
    };
  };
  return {
    open: (namespace) =>
      createManager({
        source: 'reference',
        backend: 'reference',
        namespace,
        operations: tweak(operationsFor(namespacePrefix(namespace)), {
          map,
          ns: namespacePrefix(namespace),
        }),
      }),
    map,
  };
}
