export { memoryBackend } from './backend.js';
export { createMemoryState } from './memory-state.js';
export { DEFAULT_SWEEP_INTERVAL_MS, MAX_SWEEP_PER_TICK } from './memory-store.js';
export type { MemoryStateOptions } from './options.js';
export { resolveOptions } from './options.js';
export type { MemoryStore, MemoryStoreOptions } from './store.js';
export { createMemoryStore, isMemoryStore } from './store.js';
