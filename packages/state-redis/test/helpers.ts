import type { StateManager } from '@pforge/state-core';
import {
  type RedisCluster,
  type RedisServer,
  startRedis,
  startRedisCluster,
} from '@pforge/test-redis';
import { afterAll, beforeAll } from 'vitest';

/** UTF-8 bytes of `s`. */
export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
/** `b` as UTF-8 text, `undefined` for a miss. */
export const dec = (b: Uint8Array | undefined): string | undefined =>
  b === undefined ? undefined : new TextDecoder().decode(b);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** A fresh namespace per test. */
export const ns = (label = 'ns'): string => `${label}-${Math.random().toString(36).slice(2)}`;

/** Every key of `m`, sorted. */
export async function allKeys(m: StateManager): Promise<string[]> {
  const out: string[] = [];
  for await (const k of m.keys()) out.push(k);
  return out.sort();
}

/** Whether `v` owns its whole buffer: an exact-size copy, not a view of a shared chunk. */
export function ownsBuffer(v: Uint8Array): boolean {
  return v.byteOffset === 0 && v.buffer.byteLength === v.byteLength;
}

/** A standalone server and a cluster of this suite's own, set once its `beforeAll` ran. */
export interface SuiteServers {
  redis: RedisServer;
  cluster: RedisCluster;
}

/**
 * Starts a standalone `redis-server` and a cluster before the enclosing suite and stops them
 * after it (call inside `describe`). Read them from the returned object in the tests.
 */
export function serversForSuite(): SuiteServers {
  const servers = {} as SuiteServers;
  beforeAll(async () => {
    [servers.redis, servers.cluster] = await Promise.all([startRedis(), startRedisCluster()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([servers.redis?.stop(), servers.cluster?.stop()]);
  });
  return servers;
}
