import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateManager } from '@pforge/state-core';
import { createLmdbState } from '@pforge/state-lmdb';
import { createMemoryState, createMemoryStore } from '@pforge/state-memory';
import { createRedisState } from '@pforge/state-redis';
import { skipWithoutRedis } from '@pforge/test-redis';
import { afterAll, afterEach, beforeAll, describe, inject } from 'vitest';

/** One store (memory store, LMDB directory, Redis server) that managers are opened on. */
export interface Store {
  open(namespace: string): Promise<StateManager>;
  teardown(): Promise<void>;
}

/** A backend the adapter is tested on. */
export interface TargetSpec {
  name: string;
  setup(): Promise<Store>;
}

/** A namespace no other test file or run uses (the Redis server is shared by every file). */
export const uniqueNamespace = (label = 'keyv') => `${label}-${randomBytes(5).toString('hex')}`;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const memory: TargetSpec = {
  name: 'memory',
  setup: async () => {
    const store = createMemoryStore();
    return {
      open: async (namespace) => createMemoryState({ store, namespace }),
      teardown: async () => {},
    };
  },
};

// Real files in a fresh temp directory; two managers on one path share one environment.
export const lmdb: TargetSpec = {
  name: 'lmdb',
  setup: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pforge-keyv-'));
    return {
      open: async (namespace) => createLmdbState({ path: join(dir, 'db'), namespace }),
      teardown: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

// The shared redis-server and Redis Cluster come from test/global-setup.ts.
export const redis: TargetSpec = {
  name: 'redis',
  setup: async () => {
    const url = inject('redisUrl');
    return {
      open: async (namespace) => createRedisState({ url, namespace }),
      teardown: async () => {},
    };
  },
};

export const redisCluster: TargetSpec = {
  name: 'redis-cluster',
  setup: async () => {
    const nodes = inject('redisClusterNodes');
    return {
      open: async (namespace) => createRedisState({ cluster: { nodes }, namespace }),
      teardown: async () => {},
    };
  },
};

/** Redis standalone and Cluster, or none (said once, and refused in CI) without redis-server. */
export const redisTargets = (): TargetSpec[] => (skipWithoutRedis() ? [] : [redis, redisCluster]);

/** Every backend: memory, LMDB, then Redis standalone and Cluster. */
export const allTargets = (): TargetSpec[] => [memory, lmdb, ...redisTargets()];

/** What a test sees of a backend: managers on one store, closed after each test. */
export interface Harness {
  readonly name: string;
  /** A fresh manager on the target's store; same namespace = same keys. */
  open(namespace?: string): Promise<StateManager>;
}

/** Registers `body` once per target, each in its own `describe`. */
export function forEachTarget(specs: TargetSpec[], body: (h: Harness) => void): void {
  for (const spec of specs) {
    describe(spec.name, () => {
      let store: Store | undefined;
      const opened: StateManager[] = [];
      beforeAll(async () => {
        store = await spec.setup();
      });
      afterAll(async () => store?.teardown());
      afterEach(async () => {
        await Promise.all(opened.splice(0).map((m) => m.close()));
      });
      const open = async (namespace = uniqueNamespace()) => {
        if (!store) throw new Error(`${spec.name}: setup failed`);
        const m = await store.open(namespace);
        opened.push(m);
        return m;
      };
      body({ name: spec.name, open });
    });
  }
}
