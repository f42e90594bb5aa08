import { sharedRedis } from '@pforge/test-redis';

/** One redis-server and one 3-master cluster for every test file (each test uses random keys). */
export const { setup, teardown } = sharedRedis({ cluster: true });
