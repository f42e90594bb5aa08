import { defineBackend } from '@pforge/state-core';
import { createMemoryState } from './memory-state.js';
import { type MemoryStateOptions, SOURCE, YAML_OPTION_NAMES, yamlSchema } from './options.js';

/**
 * The memory backend for `createStateManager`: `backend: memory` with the YAML options
 * `namespace`, `cache_size` (max entries, LRU) and `sweep_interval_ms`.
 * @example
 * const state = await memoryBackend.create(memoryBackend.resolveOptions({ cache_size: 10_000 }));
 */
export const memoryBackend = defineBackend<MemoryStateOptions>({
  name: 'memory',
  source: SOURCE,
  options: yamlSchema,
  optionNames: YAML_OPTION_NAMES,
  create: (options) => createMemoryState(options),
});
