export { memoryBackend } from './backend.js';
export { createMemoryState } from './memory-state.js';
export type { MemoryStateOptions, ResolvedMemoryOptions } from './options.js';
export { memoryOptions, resolveOptions } from './options.js';
export type { MemoryStore, MemoryStoreOptions } from './store.js';
export { createMemoryStore, isMemoryStore, memoryStoreOptions } from './store.js';
export { DEFAULT_SWEEP_INTERVAL_MS, MAX_SWEEP_PER_TICK } from './store-core.js';
