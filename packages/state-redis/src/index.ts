export { redisBackend } from './backend.js';
export type { RedisNodeAddress, RedisStateOptions, RedisTlsOptions } from './options.js';
export { resolveOptions } from './options.js';
export { createRedisState } from './redis-state.js';
