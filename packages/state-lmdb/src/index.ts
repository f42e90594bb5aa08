export { lmdbBackend } from './backend.js';
export type { DirectoryCounts, LmdbInspection } from './inspect.js';
export type { LmdbState } from './lmdb-state.js';
export { createLmdbState } from './lmdb-state.js';
export type { Durability, LmdbStateOptions, ResolvedLmdbOptions } from './options.js';
export { DEFAULTS, DURABILITY_LEVELS, lmdbOptions, resolveOptions } from './options.js';
