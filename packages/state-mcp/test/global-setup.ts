import { sharedRedis } from '@pforge/test-redis';

/** One redis-server for every test file (each test uses random prefixes). */
export const { setup, teardown } = sharedRedis();
