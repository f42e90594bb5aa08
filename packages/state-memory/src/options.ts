import { MAX_NAMESPACE_LENGTH, parseOptions } from '@pforge/state-core';
import { z } from 'zod';
import type { MemoryStore, MemoryStoreOptions } from './store.js';
import { isMemoryStore } from './store.js';

/** The package named in every message. */
export const SOURCE = '@pforge/state-memory';

/** Options of `createMemoryState` (camelCase; the YAML `state:` block uses snake_case). */
export interface MemoryStateOptions {
  /**
   * Keys of other namespaces are never seen, on a shared store too.
   * @default 'pforge'
   */
  namespace?: string;
  /**
   * Most keys this namespace keeps; beyond it the least recently used key is evicted (reads
   * and writes count as use). Unset: no limit. YAML: `cache_size`.
   * @default undefined
   */
  maxEntries?: number;
  /**
   * Pause between two background sweep ticks, in ms, for the private store made when `store`
   * is absent (set it on `createMemoryStore` otherwise). YAML: `sweep_interval_ms`.
   * @default 1000
   */
  sweepIntervalMs?: number;
  /**
   * A store from `createMemoryStore()` to share with other managers. Absent: a private store,
   * dropped when this manager closes.
   */
  store?: MemoryStore;
}

const MAX_TIMER_MS = 2_147_483_647;

const namespace = z
  .string()
  .min(1)
  .max(MAX_NAMESPACE_LENGTH)
  .refine((s) => s.isWellFormed(), 'must be well-formed (no lone surrogates)');
const maxEntries = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const sweepIntervalMs = z.number().int().min(1).max(MAX_TIMER_MS);

const storeSchema = z.strictObject({ sweepIntervalMs: sweepIntervalMs.optional() });

const codeSchema = z
  .strictObject({
    namespace: namespace.optional(),
    maxEntries: maxEntries.optional(),
    sweepIntervalMs: sweepIntervalMs.optional(),
    store: z
      .custom<MemoryStore>((v) => isMemoryStore(v), 'must be a store made by createMemoryStore()')
      .optional(),
  })
  .refine((o) => o.store === undefined || o.sweepIntervalMs === undefined, {
    path: ['sweepIntervalMs'],
    message: 'belongs to the shared store: pass it to createMemoryStore() instead',
  });

/** The YAML `state:` block (without `backend`), snake_case, mapped to the code options. */
export const yamlSchema = z
  .strictObject({
    namespace: namespace.optional(),
    cache_size: maxEntries.optional(),
    sweep_interval_ms: sweepIntervalMs.optional(),
  })
  .transform(
    (o): MemoryStateOptions => ({
      ...(o.namespace === undefined ? {} : { namespace: o.namespace }),
      ...(o.cache_size === undefined ? {} : { maxEntries: o.cache_size }),
      ...(o.sweep_interval_ms === undefined ? {} : { sweepIntervalMs: o.sweep_interval_ms }),
    }),
  );

/** Option names of the YAML block, for "did you mean" hints. */
export const YAML_OPTION_NAMES = ['namespace', 'cache_size', 'sweep_interval_ms'] as const;

/**
 * Validates the YAML `state:` block of the memory backend (snake_case: `namespace`,
 * `cache_size`, `sweep_interval_ms`) before anything is opened, and returns the options of
 * `createMemoryState`. Every problem is reported at once, with its dot-path, in one
 * `ERR_STATE_CONFIG`.
 * @example resolveOptions({ namespace: 'app', cache_size: 10_000 }) // { namespace: 'app', maxEntries: 10000 }
 */
export function resolveOptions(input: unknown): MemoryStateOptions {
  return parseOptions(yamlSchema, input ?? {}, { source: SOURCE, optionNames: YAML_OPTION_NAMES });
}

/** Validates the options of `createMemoryState`; throws one `ERR_STATE_CONFIG`. */
export function parseStateOptions(input: unknown): MemoryStateOptions {
  return parseOptions(codeSchema, input ?? {}, {
    source: SOURCE,
    path: 'options',
    optionNames: ['namespace', 'maxEntries', 'sweepIntervalMs', 'store'],
  });
}

/** Validates the options of `createMemoryStore`; throws one `ERR_STATE_CONFIG`. */
export function parseStoreOptions(input: unknown): MemoryStoreOptions {
  return parseOptions(storeSchema, input ?? {}, { source: SOURCE, path: 'options' });
}
