import {
  defineOptions,
  namespaceOption,
  type OptionsInput,
  option,
} from '@pforge/state-core/backend';
import { z } from 'zod';
import { SOURCE } from './source.js';

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
export const DURABILITY_LEVELS = [
  'sync',
  'overlapped',
  'none',
] as const satisfies readonly Durability[];

/** Defaults of the options of `createLmdbState` (every option but `path`). */
export const DEFAULTS = {
  namespace: 'pforge',
  cacheSize: 0,
  durability: 'overlapped' as Durability,
  mapSize: 8 * 1024 * 1024 * 1024,
  sweepIntervalMs: 1000,
  sweepBatchSize: 1000,
} as const;

const MAX_TIMER_MS = 2_147_483_647;
const int = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * The options of the LMDB backend, declared once: the code options of `createLmdbState`, the
 * YAML `state:` block (snake_case), the hints, the defaults and the README table all derive
 * from it.
 */
export const lmdbOptions = defineOptions({
  source: SOURCE,
  options: {
    path: option({
      schema: z.string().min(1, 'must be a non-empty directory path'),
      required: true,
      doc: 'The directory of the store, created when missing: every process and manager opening it shares its data (within one process, one LMDB environment, whatever spelling of the path).',
    }),
    namespace: namespaceOption,
    cacheSize: option({
      schema: int(0, Number.MAX_SAFE_INTEGER),
      default: DEFAULTS.cacheSize,
      doc: 'Accepted for the shared `state:` block and ignored (a non-negative integer): LMDB serves reads straight from its memory map, and a cache in one process could not see the writes of others.',
    }),
    durability: option({
      schema: z.enum(DURABILITY_LEVELS),
      default: DEFAULTS.durability,
      doc: 'What an acknowledged write survives: `sync` and `overlapped` fsync each group commit (a process crash, an OS crash, a power loss), `none` never fsyncs (a process crash only); use one level for every process sharing a directory.',
    }),
    mapSize: option({
      schema: z
        .number()
        .int()
        .min(1024 * 1024, 'must be at least 1 MiB (1048576)')
        .max(2 ** 50),
      default: DEFAULTS.mapSize,
      defaultText: '`8589934592` (8 GiB of address space)',
      doc: 'Initial size of the memory map, in bytes (at least 1 MiB): address space, not disk, as the file grows with the data; a full map grows to about twice the used size, but keep it above what the data will reach (see "Map growth with several writers").',
    }),
    sweepIntervalMs: option({
      schema: int(0, MAX_TIMER_MS),
      default: DEFAULTS.sweepIntervalMs,
      doc: "Pause between two background sweeps of expired keys, in ms; `0` turns the sweep off (expired keys are still never returned). The timer is unref'd.",
    }),
    sweepBatchSize: option({
      schema: int(1, 100_000),
      default: DEFAULTS.sweepBatchSize,
      doc: 'Most expired keys one sweep step removes, in one write transaction (1 to 100000); a full step is followed at once by another, so a backlog drains in short steps.',
    }),
  },
});

/**
 * Options of `createLmdbState` (camelCase; the YAML `state:` block uses snake_case). The
 * members repeat the declaration's types with their docs; the compiler checks they agree.
 */
export interface LmdbStateOptions extends OptionsInput<typeof lmdbOptions.options> {
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

/** {@link LmdbStateOptions} after validation, every default applied. */
export type ResolvedLmdbOptions = ReturnType<typeof lmdbOptions.parse>;

/**
 * Validates the YAML `state:` block of the LMDB backend (snake_case: `path`, `namespace`,
 * `cache_size`, `durability`, `map_size`, `sweep_interval_ms`, `sweep_batch_size`) before
 * anything is opened, and returns the options of `createLmdbState` with the defaults applied.
 * Every problem is reported at once, with its dot-path, in one `ERR_STATE_CONFIG`.
 * @example resolveOptions({ path: './.pforge/state', durability: 'sync' })
 */
export function resolveOptions(input: unknown): ResolvedLmdbOptions {
  return lmdbOptions.parseYaml(input);
}
