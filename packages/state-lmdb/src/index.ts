export { lmdbBackend } from './backend.js';
export type { LmdbInspection } from './inspect.js';
export type { LmdbState } from './lmdb-state.js';
export { createLmdbState } from './lmdb-state.js';
export type { Durability, LmdbStateOptions, ResolvedLmdbOptions } from './options.js';
export { DEFAULTS, DURABILITY_LEVELS, resolveOptions } from './options.js';
