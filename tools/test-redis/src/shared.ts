import type { TestProject } from 'vitest/node';
import { type RedisCluster, startRedisCluster } from './cluster.js';
import { type RedisServer, startRedis } from './standalone.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the shared redis-server, or '' when redis-server is not installed. */
    redisUrl: string;
    /** Seed nodes of the shared Redis Cluster, or [] without a cluster. */
    redisClusterNodes: { host: string; port: number }[];
  }
}

/** A vitest `globalSetup` module's two hooks. */
export interface SharedRedisSetup {
  setup(project: TestProject): Promise<void>;
  teardown(): Promise<void>;
}

/**
 * One redis-server (and, with `cluster`, one 3-master cluster) for every test file of a
 * vitest run, provided as `inject('redisUrl')` / `inject('redisClusterNodes')`; each test
 * uses its own random keys or prefixes. Without redis-server, both are empty.
 * @example export const { setup, teardown } = sharedRedis({ cluster: true }); // test/global-setup.ts
 */
export function sharedRedis(options: {
  cluster?: boolean;
  available: () => boolean;
}): SharedRedisSetup {
  let server: RedisServer | undefined;
  let cluster: RedisCluster | undefined;
  return {
    async setup(project) {
      if (options.available()) {
        [server, cluster] = await Promise.all([
          startRedis(),
          options.cluster ? startRedisCluster() : undefined,
        ]);
      }
      project.provide('redisUrl', server?.url ?? '');
      project.provide('redisClusterNodes', cluster ? [...cluster.addresses] : []);
    },
    async teardown() {
      await Promise.all([server?.stop(), cluster?.stop()]);
    },
  };
}
