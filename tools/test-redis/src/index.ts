/**
 * @pforge/test-redis (private): real redis-server processes for tests, on free loopback
 * ports, in temp dirs, stopped by PID, and killed when the test process exits.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REDIS_SERVER_BIN } from './process.js';
import { sharedRedis as createSharedRedis } from './shared.js';
import { redisTlsAvailable } from './tls.js';

export type { RedisCluster, StartRedisClusterOptions } from './cluster.js';
export { startRedisCluster } from './cluster.js';
export { freePort, REDIS_CLI_BIN, REDIS_SERVER_BIN } from './process.js';
export type { RespReply } from './resp.js';
export { RespError, rawCommand } from './resp.js';
export type { SentinelSetup, StartSentinelOptions } from './sentinel.js';
export { startSentinelSetup } from './sentinel.js';
export type { SharedRedisSetup } from './shared.js';
export type { RedisConfig, RedisServer, StartRedisOptions } from './standalone.js';
export { startRedis } from './standalone.js';
export type { TlsMaterial } from './tls.js';
export { makeSelfSignedCert, redisTlsAvailable } from './tls.js';

let available: boolean | undefined;

/** Whether `redis-server` (or `$REDIS_SERVER_BIN`) can be run here. */
export function redisServerAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync(REDIS_SERVER_BIN, ['--version'], { encoding: 'utf8', timeout: 5000 });
    available = r.status === 0 && /Redis server/i.test(r.stdout);
  }
  return available;
}

/**
 * One redis-server (and, with `cluster`, one Redis Cluster) for every test file of a vitest
 * run: `export const { setup, teardown } = sharedRedis({ cluster: true })` in a globalSetup.
 */
export const sharedRedis = (options: { cluster?: boolean } = {}) =>
  createSharedRedis({ ...options, available: redisServerAvailable });

let noticed = false;

/**
 * Whether this is the first test file of this vitest run to report `what`: test files run in
 * separate workers, so a marker file keyed by the runner's PID keeps the notice to ONE line.
 */
function firstInRun(what: string): boolean {
  try {
    const fd = openSync(join(tmpdir(), `pforge-test-redis-${what}-${process.ppid}`), 'wx');
    closeSync(fd);
    return true;
  } catch {
    return false;
  }
}

/**
 * For `describe.skipIf(skipWithoutRedis())`: `false` when redis-server is available. When it
 * is missing, prints ONE line saying why and returns `true` (skip) locally, but throws in CI
 * (`CI=true`), so a CI without Redis fails instead of passing silently.
 */
export function skipWithoutRedis(): boolean {
  if (redisServerAvailable()) return false;
  const why = `redis-server not found (${REDIS_SERVER_BIN}); install it (apt-get install redis-server) or set REDIS_SERVER_BIN`;
  if (process.env.CI === 'true')
    throw new Error(`@pforge/test-redis: ${why}; Redis tests must run in CI`);
  if (!noticed) {
    noticed = true;
    if (firstInRun('no-redis')) console.warn(`[@pforge/test-redis] skipping Redis tests: ${why}`);
  }
  return true;
}

/**
 * For `describe.skipIf(skipWithoutRedisTls())`: `true` (skip, with one line saying why) when
 * Redis is missing or cannot do TLS here (no openssl, or a build without TLS).
 */
export function skipWithoutRedisTls(): boolean {
  if (skipWithoutRedis()) return true;
  const tls = redisTlsAvailable();
  if (!tls.ok && firstInRun('no-tls'))
    console.warn(`[@pforge/test-redis] skipping Redis TLS tests: ${tls.reason}`);
  return !tls.ok;
}
