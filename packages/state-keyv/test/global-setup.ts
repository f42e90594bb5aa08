import {
  type RedisCluster,
  type RedisServer,
  redisServerAvailable,
  startRedis,
  startRedisCluster,
} from '@pforge/test-redis';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the shared redis-server, or '' when redis-server is not installed. */
    redisUrl: string;
    /** Seed nodes of the shared Redis Cluster, or [] when redis-server is not installed. */
    redisClusterNodes: { host: string; port: number }[];
  }
}

let server: RedisServer | undefined;
let cluster: RedisCluster | undefined;

/** Starts one redis-server and one 3-master cluster for every test file (each test uses random keys). */
export async function setup(project: TestProject): Promise<void> {
  if (redisServerAvailable()) {
    [server, cluster] = await Promise.all([startRedis(), startRedisCluster()]);
  }
  project.provide('redisUrl', server?.url ?? '');
  project.provide('redisClusterNodes', cluster ? [...cluster.addresses] : []);
}

export async function teardown(): Promise<void> {
  await Promise.all([server?.stop(), cluster?.stop()]);
}
