import { defineBackend } from '@pforge/state-core/backend';
import { redisOptions } from './options.js';
import { openRedisState } from './redis-state.js';

/**
 * The `redis` backend for `createStateManager` (`backend: redis` in a `state:` block): its
 * options are {@link redisOptions}, checked before any I/O.
 * @example
 * registerBackend(redisBackend);
 * const state = await createStateManager({ backend: 'redis', url: '${REDIS_URL}' });
 */
export const redisBackend = defineBackend({
  name: 'redis',
  options: redisOptions,
  create: openRedisState,
});
