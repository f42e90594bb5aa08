import { defineBackend } from '@pforge/state-core/backend';
import { openLmdbState } from './lmdb-state.js';
import { lmdbOptions } from './options.js';
import { sledAlias } from './sled-alias.js';

/**
 * The LMDB backend for `createStateManager`: `backend: lmdb` with the YAML options of
 * {@link lmdbOptions} (`path`, required, then `namespace`, `cache_size`, `durability`,
 * `map_size`, `sweep_interval_ms`, `sweep_batch_size`), checked before any I/O. It also answers
 * to `backend: sled`, the Rust runtime's store, opened as LMDB at the same `path`.
 * @example
 * registerBackend(lmdbBackend);
 * const state = await createStateManager({ backend: 'lmdb', path: './.pforge/state' });
 */
export const lmdbBackend = defineBackend({
  name: 'lmdb',
  options: lmdbOptions,
  create: openLmdbState,
  aliases: { sled: sledAlias },
});
