import type { StateManager } from '@pforge/state-core';
import {
  createManager,
  defineOptions,
  equalBytes,
  namespaceOption,
  namespacePrefix,
  type OptionsInput,
  option,
  type StoredEntry,
  type StoreOperations,
} from '@pforge/state-core/backend';
import { z } from 'zod';

/** The package name: shown in every error message and used as `backend:` in config. */
export const SOURCE = '@acme/state-kv';

/** The options, declared once: code, YAML, hints, defaults and docs derive from this. */
export const kvOptions = defineOptions({
  source: SOURCE,
  options: {
    namespace: namespaceOption,
    store: option({
      schema: z.string().min(1),
      default: 'default',
      doc: 'The in-process store to open: managers opened with the same name share data.',
    }),
  },
});

/** Options of {@link createKvState}. */
export type KvStateOptions = OptionsInput<typeof kvOptions.options>;

/** Every store of this process, by name; a store lives as long as the process. */
const stores = new Map<string, Map<string, StoredEntry>>();

/**
 * Opens a manager on the in-process store `options.store`.
 * @example
 * const state = createKvState({ namespace: 'app' });
 * await state.set('greeting', new TextEncoder().encode('hi'), { ttl: 60_000 });
 */
export function createKvState(options: KvStateOptions = {}): StateManager {
  const { namespace, store } = kvOptions.parse(options);
  const table = stores.get(store) ?? new Map<string, StoredEntry>();
  stores.set(store, table);
  const operations = createKvOperations(table, namespacePrefix(namespace));
  return createManager({ source: SOURCE, backend: SOURCE, namespace, operations });
}

/**
 * The five primitives the base derives everything from, plus atomic batches. Each touches
 * the Map without an `await`, so it is atomic in a single-threaded process.
 */
function createKvOperations(table: Map<string, StoredEntry>, ns: string): StoreOperations {
  const live = (key: string): StoredEntry | undefined => {
    const e = table.get(ns + key);
    if (e?.expiresAt === undefined || e.expiresAt > Date.now()) return e;
    table.delete(ns + key);
    return undefined;
  };
  const drop = (key: string): boolean => live(key) !== undefined && table.delete(ns + key);
  const same = (a: StoredEntry | undefined, b: StoredEntry | undefined): boolean =>
    a === b || (!!a && !!b && a.expiresAt === b.expiresAt && equalBytes(a.value, b.value));
  return {
    read: (key) => live(key),
    write: (key, entry) => void table.set(ns + key, entry),
    remove: drop,
    swap: (key, expected, next) => {
      if (!same(live(key), expected)) return false;
      if (next === undefined) table.delete(ns + key);
      else table.set(ns + key, next);
      return true;
    },
    // A Map iterator is lazy and stays valid while the Map changes underneath it.
    scan: function* (prefix) {
      for (const full of table.keys()) {
        const key = full.slice(ns.length);
        if (full.startsWith(ns + prefix) && live(key) !== undefined) yield key;
      }
    },
    setMany: (entries) => {
      const now = Date.now();
      for (const { key, value, ttl } of entries) {
        table.set(ns + key, { value: new Uint8Array(value), expiresAt: ttl && now + ttl });
      }
    },
    deleteMany: (keys) => [...new Set(keys)].filter(drop).length,
  };
}
