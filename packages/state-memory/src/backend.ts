import { defineBackend } from '@pforge/state-core/backend';
import { createMemoryState } from './memory-state.js';
import { memoryOptions } from './options.js';

/**
 * The memory backend for `createStateManager`: `backend: memory` with the YAML options
 * `namespace`, `cache_size` (max entries, LRU) and `sweep_interval_ms`.
 * @example
 * const state = await memoryBackend.create(memoryBackend.resolveOptions({ cache_size: 10_000 }));
 */
export const memoryBackend = defineBackend({
  name: 'memory',
  options: memoryOptions,
  create: (options) => createMemoryState(options),
});
