import {
  defineOptions,
  namespaceOption,
  type OptionsInput,
  option,
} from '@pforge/state-core/backend';
import { z } from 'zod';
import { SOURCE } from './source.js';
import { isMemoryStore, type MemoryStore, sweepIntervalOption } from './store.js';

/**
 * The options of the memory backend, declared once: the code options of `createMemoryState`,
 * the YAML `state:` block, the hints, the defaults and the README table all derive from it.
 */
export const memoryOptions = defineOptions({
  source: SOURCE,
  options: {
    namespace: namespaceOption,
    maxEntries: option({
      schema: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
      yaml: 'cache_size',
      defaultText: 'none (no limit)',
      doc: 'Most keys this namespace keeps; writing a new key beyond it evicts an expired key if there is one, else the least recently used (reads and writes count as use). Managers open at the same time on one namespace must agree on it.',
    }),
    sweepIntervalMs: sweepIntervalOption,
    store: option({
      schema: z.custom<MemoryStore>(isMemoryStore, 'must be a store made by createMemoryStore()'),
      yaml: false,
      defaultText: 'a private store',
      doc: 'A store from `createMemoryStore()` to share with other managers. A private store is dropped when its manager closes; a shared one keeps its data for managers opened on it later.',
    }),
  },
  resolve: (o, report) => {
    if (o.store !== undefined && o.sweepIntervalMs !== undefined) {
      report(
        'sweepIntervalMs',
        'belongs to the shared store: pass it to createMemoryStore() instead',
      );
    }
    return o;
  },
});

/**
 * Options of `createMemoryState` (camelCase; the YAML `state:` block uses snake_case). The
 * members repeat the declaration's types with their docs; the compiler checks they agree.
 */
export interface MemoryStateOptions extends OptionsInput<typeof memoryOptions.options> {
  /**
   * Keys of other namespaces are never seen, on a shared store too.
   * @default 'pforge'
   */
  namespace?: string;
  /**
   * Most keys this namespace keeps; writing a new key beyond it evicts an expired key if
   * there is one, else the least recently used (reads and writes count as use). Unset: no
   * limit. YAML: `cache_size`.
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
   * dropped when this manager closes. Code only.
   */
  store?: MemoryStore;
}

/** The options after validation, defaults applied. */
export type ResolvedMemoryOptions = ReturnType<typeof memoryOptions.parse>;

/**
 * Validates the YAML `state:` block of the memory backend (snake_case: `namespace`,
 * `cache_size`, `sweep_interval_ms`) before anything is opened, and returns the options of
 * `createMemoryState`. Every problem is reported at once, with its dot-path, in one
 * `ERR_STATE_CONFIG`.
 * @example resolveOptions({ namespace: 'app', cache_size: 10_000 }) // { namespace: 'app', maxEntries: 10000, ... }
 */
export function resolveOptions(input: unknown): ResolvedMemoryOptions {
  return memoryOptions.parseYaml(input);
}
