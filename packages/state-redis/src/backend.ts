import { type BackendSpec, defineBackend } from '@pforge/state-core';
import { resolveOptions, YAML_OPTION_NAMES } from './options.js';
import { createRedisState } from './redis-state.js';
import { SOURCE } from './source.js';
import type { RedisStateOptions } from './types.js';

/** resolveOptions does the checking: it throws one ERR_STATE_CONFIG, secrets redacted. */
const schema: BackendSpec<RedisStateOptions>['options'] = {
  '~standard': {
    version: 1,
    vendor: '@pforge/state-redis',
    validate: (input: unknown) => ({ value: resolveOptions(input) }),
  },
};

/**
 * The `redis` backend for `createStateManager` (`backend: redis` in a `state:` block).
 * @example
 * registerBackend(redisBackend);
 * const state = await createStateManager({ backend: 'redis', url: '${REDIS_URL}' });
 */
export const redisBackend = defineBackend<RedisStateOptions>({
  name: 'redis',
  source: SOURCE,
  options: schema,
  optionNames: YAML_OPTION_NAMES,
  create: (options) => createRedisState(options),
});
