import { MAX_NAMESPACE_LENGTH, parseOptions } from '@pforge/state-core';
import { z } from 'zod';

/** The package named in every message. */
export const SOURCE = '@pforge/state-lmdb';

/**
 * What a group commit (the one LMDB transaction that carries every call issued in one
 * event-loop task) does before those calls resolve, and so what an acknowledged write survives:
 * - `sync`: fsyncs the commit while holding LMDB's write lock. Survives a process crash and an
 *   OS crash or power loss.
 * - `overlapped` (default): the same as `sync` (the environment keeps lmdb-js's
 *   `overlappingSync` file handling). lmdb-js's overlapping flush, which releases the write
 *   lock before the flush, lost commits across processes, so it is not used.
 * - `none`: never fsyncs (LMDB `MDB_NOSYNC`); calls resolve once the commit is in the file (the
 *   OS page cache). Survives a process crash; an OS crash may lose anything the OS had not yet
 *   written back, and may leave the file corrupt. For caches and scratch state only.
 */
export type Durability = 'sync' | 'overlapped' | 'none';

/** Every durability level, strongest first. */
export const DURABILITY_LEVELS: readonly Durability[] = ['sync', 'overlapped', 'none'];

/** Options of `createLmdbState` (camelCase; the YAML `state:` block uses snake_case). */
export interface LmdbStateOptions {
  /**
   * The directory of the store (created when missing). Every process and manager opening the
   * same directory shares the same data. YAML: `path`.
   * @example './.pforge/state'
   */
  path: string;
  /**
   * Keys of other namespaces are never seen, on a shared directory too.
   * @default 'pforge'
   */
  namespace?: string;
  /**
   * Values kept decoded in memory. Accepted for the shared `state:` block; LMDB serves reads
   * straight from its memory map (the OS page cache), so no separate cache is kept: one in a
   * process could not see writes of other processes without reading the store anyway.
   * A non-negative integer. YAML: `cache_size`.
   * @default 0
   */
  cacheSize?: number;
  /**
   * What an acknowledged write survives; see {@link Durability}. Every process sharing a
   * directory should use the same level. YAML: `durability`.
   * @default 'overlapped'
   */
  durability?: Durability;
  /**
   * Initial size of the memory map, in bytes (address space, not disk: the file grows only
   * as data is written). When full, the map grows automatically to about twice the used size,
   * in every process sharing the directory. YAML: `map_size`.
   * @default 8589934592 (8 GiB of address space; the file grows only with data)
   */
  mapSize?: number;
  /**
   * Pause between two background sweeps of expired keys, in ms; `0` turns the sweep off
   * (expired keys are still never returned). YAML: `sweep_interval_ms`.
   * @default 1000
   */
  sweepIntervalMs?: number;
  /**
   * Most expired keys one sweep removes in one transaction; a full sweep is followed at once
   * by another, so a backlog drains without long write locks. YAML: `sweep_batch_size`.
   * @default 1000
   */
  sweepBatchSize?: number;
}

/** {@link LmdbStateOptions} with every default applied. */
export type ResolvedLmdbOptions = Required<LmdbStateOptions>;

/** Defaults of {@link LmdbStateOptions}. */
export const DEFAULTS = {
  namespace: 'pforge',
  cacheSize: 0,
  durability: 'overlapped',
  mapSize: 8 * 1024 * 1024 * 1024,
  sweepIntervalMs: 1000,
  sweepBatchSize: 1000,
} as const satisfies Omit<ResolvedLmdbOptions, 'path'>;

const MAX_TIMER_MS = 2_147_483_647;

const path = z.string().min(1, 'must be a non-empty directory path');
const namespace = z
  .string()
  .min(1)
  .max(MAX_NAMESPACE_LENGTH)
  .refine((s) => s.isWellFormed(), 'must be well-formed (no lone surrogates)');
const cacheSize = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const durability = z.enum(['sync', 'overlapped', 'none']);
const mapSize = z
  .number()
  .int()
  .min(1024 * 1024, 'must be at least 1 MiB (1048576)')
  .max(2 ** 50);
const sweepIntervalMs = z.number().int().min(0).max(MAX_TIMER_MS);
const sweepBatchSize = z.number().int().min(1).max(100_000);

const codeSchema = z.strictObject({
  path,
  namespace: namespace.optional(),
  cacheSize: cacheSize.optional(),
  durability: durability.optional(),
  mapSize: mapSize.optional(),
  sweepIntervalMs: sweepIntervalMs.optional(),
  sweepBatchSize: sweepBatchSize.optional(),
});

/** The YAML `state:` block (without `backend`), snake_case, mapped to the code options. */
export const yamlSchema = z
  .strictObject({
    path,
    namespace: namespace.optional(),
    cache_size: cacheSize.optional(),
    durability: durability.optional(),
    map_size: mapSize.optional(),
    sweep_interval_ms: sweepIntervalMs.optional(),
    sweep_batch_size: sweepBatchSize.optional(),
  })
  .transform(
    (o): LmdbStateOptions =>
      dropUndefined({
        path: o.path,
        namespace: o.namespace,
        cacheSize: o.cache_size,
        durability: o.durability,
        mapSize: o.map_size,
        sweepIntervalMs: o.sweep_interval_ms,
        sweepBatchSize: o.sweep_batch_size,
      }),
  );

/** Option names of the YAML block, for "did you mean" hints. */
export const YAML_OPTION_NAMES = [
  'path',
  'namespace',
  'cache_size',
  'durability',
  'map_size',
  'sweep_interval_ms',
  'sweep_batch_size',
] as const;

const CODE_OPTION_NAMES = [
  'path',
  'namespace',
  'cacheSize',
  'durability',
  'mapSize',
  'sweepIntervalMs',
  'sweepBatchSize',
] as const;

/**
 * Validates the YAML `state:` block of the LMDB backend (snake_case: `path`, `namespace`,
 * `cache_size`, `durability`, `map_size`, `sweep_interval_ms`, `sweep_batch_size`) before
 * anything is opened, and returns the options of `createLmdbState`. Every problem is reported
 * at once, with its dot-path, in one `ERR_STATE_CONFIG`.
 * @example resolveOptions({ path: './.pforge/state', durability: 'sync' })
 */
export function resolveOptions(input: unknown): LmdbStateOptions {
  return parseOptions(yamlSchema, input ?? {}, { source: SOURCE, optionNames: YAML_OPTION_NAMES });
}

/** Validates the options of `createLmdbState` and applies the defaults; throws one `ERR_STATE_CONFIG`. */
export function parseStateOptions(input: unknown): ResolvedLmdbOptions {
  const o = parseOptions(codeSchema, input ?? {}, {
    source: SOURCE,
    path: 'options',
    optionNames: CODE_OPTION_NAMES,
  });
  return { ...DEFAULTS, ...dropUndefined(o) } as ResolvedLmdbOptions;
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
