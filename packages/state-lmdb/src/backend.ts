import { defineBackend } from '@pforge/state-core';
import { createLmdbState } from './lmdb-state.js';
import { type LmdbStateOptions, SOURCE, YAML_OPTION_NAMES, yamlSchema } from './options.js';
import { sledAlias } from './sled-alias.js';

/**
 * The LMDB backend for `createStateManager`: `backend: lmdb` with the YAML options `path`
 * (required), `namespace`, `cache_size`, `durability`, `map_size`, `sweep_interval_ms` and
 * `sweep_batch_size`.
 * @example
 * registerBackend(lmdbBackend);
 * const state = await createStateManager({ backend: 'lmdb', path: './.pforge/state' });
 */
export const lmdbBackend = defineBackend<LmdbStateOptions>({
  name: 'lmdb',
  source: SOURCE,
  options: yamlSchema,
  optionNames: YAML_OPTION_NAMES,
  create: (options) => createLmdbState(options),
  aliases: { sled: sledAlias },
});
