import { defineOptions, option } from '@pforge/state-core/backend';
import { z } from 'zod';
import { SOURCE } from './source.js';
import { DEFAULT_SWEEP_INTERVAL_MS, StoreCore } from './store-core.js';

/**
 * An in-process store that several managers can share, each with its own namespace (pass it
 * as the `store` option of `createMemoryState`). It holds the data, the expiry index and
 * the background sweep; the sweep timer runs (unref'd) only while a manager is open on it.
 * Data outlives the managers: a manager opened later on the same store sees it.
 */
export interface MemoryStore {
  /** Records held in every namespace, expired ones the sweep has not reclaimed yet included. */
  readonly size: number;
  /** Pause between two sweep ticks, in ms. */
  readonly sweepIntervalMs: number;
  /**
   * Runs one sweep tick now: removes at most `MAX_SWEEP_PER_TICK` expired records and
   * returns how many it removed. The background sweep calls this; you rarely need to.
   */
  sweep(): number;
}

/** The longest `setTimeout` delay Node accepts, in ms. */
const MAX_TIMER_MS = 2_147_483_647;

/** The `sweepIntervalMs` option, shared by the store and the manager declarations. */
export const sweepIntervalOption = option({
  schema: z.number().int().min(1).max(MAX_TIMER_MS),
  defaultText: `\`${DEFAULT_SWEEP_INTERVAL_MS}\``,
  doc: 'Pause between two background sweep ticks, in ms (1 to 2147483647). Shorter reclaims dead keys sooner for a little CPU; reads never see an expired key either way. With a shared `store`, set it on `createMemoryStore()` instead.',
});

/** The options of {@link createMemoryStore}, declared once. */
export const memoryStoreOptions = defineOptions({
  source: SOURCE,
  options: { sweepIntervalMs: sweepIntervalOption },
});

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Pause between two background sweep ticks, in ms (1 to 2147483647). Shorter reclaims dead
   * keys sooner for a little more CPU; reads never see an expired key either way.
   * @default 1000
   */
  sweepIntervalMs?: number;
}

const cores = new WeakMap<MemoryStore, StoreCore>();

/**
 * Creates a store to share between managers. Throws `ERR_STATE_CONFIG` for bad options.
 * @example
 * const store = createMemoryStore({ sweepIntervalMs: 250 });
 * const users = createMemoryState({ store, namespace: 'users' });
 * const jobs = createMemoryState({ store, namespace: 'jobs' });
 */
export function createMemoryStore(options?: MemoryStoreOptions): MemoryStore {
  const { sweepIntervalMs } = memoryStoreOptions.parse(options);
  return wrapCore(new StoreCore(sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS));
}

/** The public face of a core. */
function wrapCore(core: StoreCore): MemoryStore {
  const store: MemoryStore = Object.freeze({
    get size() {
      return core.size;
    },
    sweepIntervalMs: core.sweepIntervalMs,
    sweep: () => core.sweep(),
  });
  cores.set(store, core);
  return store;
}

/** The core behind a store made by {@link createMemoryStore}, or undefined. */
export function coreOf(store: unknown): StoreCore | undefined {
  return typeof store === 'object' && store !== null ? cores.get(store as MemoryStore) : undefined;
}

/** Whether `value` is a store made by {@link createMemoryStore}. */
export function isMemoryStore(value: unknown): value is MemoryStore {
  return coreOf(value) !== undefined;
}
