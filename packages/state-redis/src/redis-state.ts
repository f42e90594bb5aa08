import type { StateManager } from '@pforge/state-core';
import { createManager, namespacePrefix } from '@pforge/state-core/backend';
import { connectPool } from './connect.js';
import { createOperations } from './operations.js';
import { type RedisStateOptions, redisOptions } from './options.js';
import { Runner } from './runner.js';
import { SOURCE } from './source.js';
import type { ResolvedRedisOptions } from './types.js';

/**
 * Opens a manager with options already resolved (`resolveOptions`, or the factory's
 * `redisBackend.resolveOptions`): connects, then hands the engine's operations to core's
 * manager base, which checks every argument before anything is sent and owns the closed
 * state. The engine keeps issue order itself (calls in flight share one connection).
 */
export async function openRedisState(o: ResolvedRedisOptions): Promise<StateManager> {
  const r = new Runner(o);
  await connectPool(r.pool, o.connectTimeoutMs, o.secrets);
  return createManager({
    source: SOURCE,
    backend: 'redis',
    namespace: o.namespace,
    operations: createOperations(r, namespacePrefix(o.namespace)),
    keepsIssueOrder: true,
    settlesLocally: false,
  });
}

/**
 * Opens a {@link StateManager} on Redis (standalone, Sentinel or Cluster) and waits for its
 * connections. Options are validated before any I/O (`ERR_STATE_CONFIG`); an unreachable
 * server rejects with `ERR_STATE_UNAVAILABLE` after `connectTimeoutMs`. `inspectState()` of
 * core reads its `mode`, `redis_version`, `used_memory_bytes`, `persistence` and `pool_size`.
 * @example
 * const state = await createRedisState({ url: 'redis://localhost:6379', namespace: 'my-server' });
 * await state.set('greeting', new TextEncoder().encode('hi'), { ttl: 60_000 });
 */
export async function createRedisState(options: RedisStateOptions = {}): Promise<StateManager> {
  return openRedisState(redisOptions.parse(options));
}
