import { runConformanceSuite } from '@pforge/state-conformance';
import { type RedisCluster, skipWithoutRedis, startRedisCluster } from '@pforge/test-redis';
import { describe } from 'vitest';
import { createRedisState } from '../src/index.js';

describe.skipIf(skipWithoutRedis())('redis cluster', () => {
  let cluster: Promise<RedisCluster> | undefined;
  runConformanceSuite({
    name: 'redis-cluster',
    async create({ namespace }) {
      cluster ??= startRedisCluster();
      return createRedisState({ cluster: { nodes: (await cluster).addresses }, namespace });
    },
    teardown: async () => (await cluster)?.stop(),
    capabilities: {
      atomicBatches: false,
      batchAtomicityNote:
        'README "Guarantees": on Redis Cluster each hash slot\'s part of a batch is atomic',
    },
  });
});
