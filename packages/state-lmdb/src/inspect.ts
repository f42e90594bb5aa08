import type { Environment } from './store.js';

/** Entry counts of a whole directory (every namespace). */
export interface DirectoryCounts {
  /** Records (keys of every namespace, expired ones not yet swept included). */
  records: number;
  /** Expiry-index entries (stale ones not yet due included). */
  expiryIndex: number;
}

/** Counts the records and expiry-index entries of `env`, in the current snapshot. */
export function directoryCounts(env: Environment): DirectoryCounts {
  // The main database also holds the entry naming the expiry index.
  return {
    records: env.records.getStats().entryCount - 1,
    expiryIndex: env.expiry.getStats().entryCount,
  };
}

/**
 * What `inspectState()` shows for an LMDB manager; the `pforge-state inspect` and `doctor`
 * commands rely on these names. Figures are of the whole directory (every namespace).
 */
export type LmdbInspection = {
  /** The real path of the directory. */
  path: string;
  /** The durability level of the environment. */
  durability: string;
  /** The current size of the memory map, in bytes (address space; grows when full). */
  map_size_bytes: number;
  /** Bytes of the map in use: pages 0 through the last page in use, times the page size. */
  map_used_bytes: number;
  /** `map_used_bytes / map_size_bytes`, from 0 to 1. */
  map_used_ratio: number;
  /** Records of every namespace, expired ones not yet swept included. */
  records: number;
  /** Expiry-index entries, stale ones not yet due included. */
  expiry_index_entries: number;
};

/** The {@link LmdbInspection} of `env`, in the current snapshot. */
export function inspectEnvironment(env: Environment): LmdbInspection {
  const stats = env.records.getStats();
  const used = (stats.lastPageNumber + 1) * stats.pageSize;
  const counts = directoryCounts(env);
  return {
    path: env.path,
    durability: env.durability,
    map_size_bytes: stats.mapSize,
    map_used_bytes: used,
    map_used_ratio: stats.mapSize > 0 ? Math.min(1, used / stats.mapSize) : 0,
    records: counts.records,
    expiry_index_entries: counts.expiryIndex,
  };
}
