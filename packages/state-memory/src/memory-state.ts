import type { StateManager } from '@pforge/state-core';
import { configError, createManager } from '@pforge/state-core/backend';
import type { Keyspace } from './keyspace.js';
import { createMemoryOperations } from './memory-operations.js';
import { type MemoryStateOptions, memoryOptions } from './options.js';
import { SOURCE } from './source.js';
import { coreOf } from './store.js';
import { DEFAULT_SWEEP_INTERVAL_MS, StoreCore } from './store-core.js';

/**
 * Opens an in-process {@link StateManager}: values copied in and out, exact TTLs, an optional
 * LRU bound, and a bounded background sweep of expired keys. Opens synchronously; throws
 * `ERR_STATE_CONFIG` for bad options.
 * @example
 * const state = createMemoryState({ namespace: 'my-server', maxEntries: 10_000 });
 * await state.set('greeting', new TextEncoder().encode('hi'), { ttl: 60_000 });
 * await state.close();
 */
export function createMemoryState(options?: MemoryStateOptions): StateManager {
  const o = memoryOptions.parse(options);
  const shared = coreOf(o.store);
  const core = shared ?? new StoreCore(o.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
  const space = openSpace(core, o.namespace, o.maxEntries ?? 0);
  const operations = createMemoryOperations(space, () => {
    space.managers--;
    core.detach();
    if (shared === undefined) core.destroy();
  });
  return createManager({
    source: SOURCE,
    backend: 'memory',
    namespace: o.namespace,
    operations,
    keepsIssueOrder: true,
    settlesLocally: true,
  });
}

/** The namespace `name` of `core` for one more manager, with its LRU bound agreed. */
function openSpace(core: StoreCore, name: string, maxEntries: number): Keyspace {
  const space = core.space(name);
  if (space.managers > 0 && space.maxEntries !== maxEntries) {
    const was = space.maxEntries || 'unset';
    throw configError(SOURCE, [
      {
        path: 'options.maxEntries',
        message: `is ${maxEntries || 'unset'}, but a manager already open on namespace ${JSON.stringify(name)} of this store has ${was}: managers of one namespace must agree`,
      },
    ]);
  }
  space.maxEntries = maxEntries;
  space.evictOverflow();
  space.managers++;
  core.attach();
  return space;
}
