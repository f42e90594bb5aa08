import { runConformanceSuite } from '@pforge/state-conformance';
import { type RedisServer, skipWithoutRedis, startRedis } from '@pforge/test-redis';
import { describe } from 'vitest';
import { createRedisState } from '../src/index.js';

describe.skipIf(skipWithoutRedis())('redis standalone', () => {
  let redis: Promise<RedisServer> | undefined;
  runConformanceSuite({
    name: 'redis',
    async create({ namespace }) {
      redis ??= startRedis();
      return createRedisState({ url: (await redis).url, namespace });
    },
    teardown: async () => (await redis)?.stop(),
  });
});
