import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateManager } from '@pforge/state-core';
import { skipWithoutRedis } from '@pforge/test-redis';
import { inject } from 'vitest';
import type { TargetSpec } from './targets.js';

type MemoryMod = typeof import('@pforge/state-memory');
type LmdbMod = typeof import('@pforge/state-lmdb');
type RedisMod = typeof import('@pforge/state-redis');

const tryImport = async <T>(name: string): Promise<T | undefined> => {
  try {
    return (await import(name)) as T;
  } catch {
    return undefined;
  }
};

const memory = await tryImport<MemoryMod>('@pforge/state-memory');
const lmdb = await tryImport<LmdbMod>('@pforge/state-lmdb');
const redis = await tryImport<RedisMod>('@pforge/state-redis');

/** The LMDB module, for tests that need it directly. */
export const lmdbModule = lmdb;
/** The Redis module, for tests that need it directly. */
export const redisModule = redis;

/** The real backends built in this checkout. */
export function realTargets(): TargetSpec[] {
  const specs: TargetSpec[] = [];
  if (memory) {
    specs.push({
      name: 'memory',
      setup: async () => {
        const store = memory.createMemoryStore();
        return {
          open: async (namespace) => memory.createMemoryState({ store, namespace }),
          teardown: async () => {},
        };
      },
    });
  }
  if (lmdb) {
    specs.push({
      name: 'lmdb',
      setup: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'pforge-patterns-'));
        return {
          open: async (namespace) => lmdb.createLmdbState({ path: join(dir, 'db'), namespace }),
          teardown: async () => rmSync(dir, { recursive: true, force: true }),
        };
      },
    });
  }
  if (redis && !skipWithoutRedis()) {
    specs.push({
      name: 'redis',
      setup: async () => {
        const url = inject('redisUrl');
        return {
          open: async (namespace): Promise<StateManager> =>
            redis.createRedisState({ url, namespace }),
          teardown: async () => {},
        };
      },
    });
    specs.push({
      name: 'redis-cluster',
      setup: async () => {
        const nodes = inject('redisClusterNodes');
        return {
          open: async (namespace): Promise<StateManager> =>
            redis.createRedisState({ cluster: { nodes }, namespace }),
          teardown: async () => {},
        };
      },
    });
  }
  return specs;
}
