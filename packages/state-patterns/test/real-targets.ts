import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLmdbState } from '@pforge/state-lmdb';
import { createMemoryState, createMemoryStore } from '@pforge/state-memory';
import { createRedisState } from '@pforge/state-redis';
import { skipWithoutRedis } from '@pforge/test-redis';
import { inject } from 'vitest';
import { declareLocality } from './locality.js';
import type { TargetSpec } from './targets.js';

// Every backend is required: a missing or broken build fails the suite rather than shrinking
// it. Only Redis may be absent (skipWithoutRedis says so once, and refuses to skip in CI).
// Memory and LMDB managers declare that their calls settle locally (until those backends
// declare it themselves), so the whole suite runs the patterns' no-timer path on them.

const memory: TargetSpec = {
  name: 'memory',
  setup: async () => {
    const store = createMemoryStore();
    return {
      open: async (namespace) =>
        declareLocality(await createMemoryState({ store, namespace }), 'memory', namespace, true),
      teardown: async () => {},
    };
  },
};

const lmdb: TargetSpec = {
  name: 'lmdb',
  setup: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pforge-patterns-'));
    return {
      open: async (namespace) =>
        declareLocality(
          await createLmdbState({ path: join(dir, 'db'), namespace }),
          'lmdb',
          namespace,
          true,
        ),
      teardown: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

// The shared server and cluster come from test/global-setup.ts.
const redis: TargetSpec = {
  name: 'redis',
  setup: async () => {
    const url = inject('redisUrl');
    return {
      open: async (namespace) => createRedisState({ url, namespace }),
      teardown: async () => {},
    };
  },
};

const redisCluster: TargetSpec = {
  name: 'redis-cluster',
  setup: async () => {
    const nodes = inject('redisClusterNodes');
    return {
      open: async (namespace) => createRedisState({ cluster: { nodes }, namespace }),
      teardown: async () => {},
    };
  },
};

/** The real backends: memory, LMDB, and Redis standalone and cluster when redis-server exists. */
export function realTargets(): TargetSpec[] {
  return skipWithoutRedis() ? [memory, lmdb] : [memory, lmdb, redis, redisCluster];
}
