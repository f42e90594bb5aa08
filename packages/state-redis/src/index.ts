export { redisBackend } from './backend.js';
export type { RedisInspection } from './inspect.js';
export { resolveOptions } from './options.js';
export { createRedisState } from './redis-state.js';
export type { RedisNodeAddress, RedisStateOptions, RedisTlsOptions } from './types.js';
