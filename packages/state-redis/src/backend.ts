import { defineBackend } from '@pforge/state-core';
import { z } from 'zod';
import { type RedisStateOptions, resolveOptions, SOURCE, YAML_OPTION_NAMES } from './options.js';
import { createRedisState } from './redis-state.js';

/**
 * The `redis` backend for `createStateManager` (`backend: redis` in a `state:` block).
 * @example
 * registerBackend(redisBackend);
 * const state = await createStateManager({ backend: 'redis', url: '${REDIS_URL}' });
 */
export const redisBackend = defineBackend<RedisStateOptions>({
  name: 'redis',
  source: SOURCE,
  // resolveOptions does the checking (one ERR_STATE_CONFIG, secrets redacted).
  options: z.unknown().transform((input) => resolveOptions(input)),
  optionNames: YAML_OPTION_NAMES,
  create: (options) => createRedisState(options),
});
