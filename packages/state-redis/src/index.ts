export { redisBackend } from './backend.js';
export type { RedisInspection } from './inspect.js';
export type { RedisStateOptions } from './options.js';
export { redisOptions, resolveOptions } from './options.js';
export { createRedisState } from './redis-state.js';
export type { RedisNodeAddress, RedisTlsOptions, ResolvedRedisOptions } from './types.js';
