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

/** One store that several managers (instances) can be opened on. */
export interface Target {
  open(): Promise<StateManager>;
  teardown(): Promise<void>;
}

/** A backend the tests run on. */
export interface TargetSpec {
  name: string;
  setup(): Promise<Target>;
}

/** What a test sees of the backend under test. */
export interface Harness {
  readonly name: string;
  /** A fresh manager on the target's one store (closed after the test): one per server instance. */
  open(): Promise<StateManager>;
  /** `n` managers on the same store, as `n` server instances would have. */
  openMany(n: number): Promise<StateManager[]>;
}

/** A random prefix, so tests sharing a store never meet. */
export const rprefix = (what = 't') => `${what}-${randomBytes(6).toString('hex')}:`;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const NAMESPACE = 'state-mcp-test';

const memory: TargetSpec = {
  name: 'memory',
  setup: async () => {
    const store = createMemoryStore();
    return {
      open: async () => createMemoryState({ store, namespace: NAMESPACE }),
      teardown: async () => {},
    };
  },
};

const lmdb: TargetSpec = {
  name: 'lmdb',
  setup: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pforge-mcp-'));
    return {
      open: async () => createLmdbState({ path: join(dir, 'db'), namespace: NAMESPACE }),
      teardown: async () => rmSync(dir, { recursive: true, force: true }),
    };
  },
};

// The shared server comes from test/global-setup.ts.
const redis: TargetSpec = {
  name: 'redis',
  setup: async () => {
    const url = inject('redisUrl');
    return {
      open: async () => createRedisState({ url, namespace: NAMESPACE }),
      teardown: async () => {},
    };
  },
};

/** Memory, LMDB, and Redis when redis-server exists (skipWithoutRedis refuses to skip in CI). */
export const targetSpecs: TargetSpec[] = skipWithoutRedis()
  ? [memory, lmdb]
  : [memory, lmdb, redis];

/** Registers `body` once per backend, each in its own `describe`: the conformance-style harness. */
export function forEachTarget(body: (h: Harness) => void, specs: TargetSpec[] = targetSpecs): void {
  for (const spec of specs) {
    describe(spec.name, () => {
      let target: Target | undefined;
      const opened: StateManager[] = [];
      beforeAll(async () => {
        target = await spec.setup();
      }, 60_000);
      afterAll(async () => {
        await target?.teardown();
      }, 30_000);
      afterEach(async () => {
        await Promise.all(opened.splice(0).map((m) => m.close()));
      });
      const open = async () => {
        if (!target) throw new Error(`${spec.name}: setup failed`);
        const m = await target.open();
        opened.push(m);
        return m;
      };
      body({
        name: spec.name,
        open,
        openMany: (n) => Promise.all(Array.from({ length: n }, open)),
      });
    });
  }
}
