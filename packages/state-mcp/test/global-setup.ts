import { type RedisServer, redisServerAvailable, startRedis } from '@pforge/test-redis';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the shared redis-server, or '' when redis-server is not installed. */
    redisUrl: string;
  }
}

let server: RedisServer | undefined;

/** Starts one redis-server for every test file (each test uses random prefixes). */
export async function setup(project: TestProject): Promise<void> {
  if (redisServerAvailable()) server = await startRedis();
  project.provide('redisUrl', server?.url ?? '');
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
