import { runCli } from './process.js';
import { rawCommand } from './resp.js';
import { type RedisServer, startRedis } from './standalone.js';

/** A running local Redis Cluster started by {@link startRedisCluster}. */
export interface RedisCluster {
  /** The master nodes (each a {@link RedisServer}: `kill()`, `restart()`, `command()`). */
  readonly nodes: readonly RedisServer[];
  /** `{ host, port }` of every master, for a cluster client's seed list. */
  readonly addresses: readonly { host: string; port: number }[];
  /** Stops every node and removes their dirs. Idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startRedisCluster}. */
export interface StartRedisClusterOptions {
  /** Number of masters (no replicas). @default 3 */
  masters?: number;
  /** Extra redis.conf directives for every node. */
  config?: Readonly<Record<string, string | number>>;
}

/**
 * Starts a Redis Cluster of `masters` (default 3) nodes on free loopback ports
 * (`cluster-enabled yes`), joins them with `redis-cli --cluster create ... --cluster-yes`
 * and waits until every node reports `cluster_state:ok`.
 * @example
 * const cluster = await startRedisCluster();
 * const client = new Redis.Cluster(cluster.addresses);
 */
export async function startRedisCluster(
  options: StartRedisClusterOptions = {},
): Promise<RedisCluster> {
  const count = options.masters ?? 3;
  const config = {
    'cluster-enabled': 'yes',
    'cluster-config-file': 'nodes.conf',
    'cluster-node-timeout': 3000,
    ...options.config,
  };
  const nodes = await Promise.all(
    Array.from({ length: count }, () => startRedis({ config, label: 'redis-cluster' })),
  );
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    runCli(['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-yes']);
    await waitClusterOk(nodes, 20000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, addresses: nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), stop };
}

async function waitClusterOk(nodes: readonly RedisServer[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const infos = await Promise.all(
      nodes.map((n) => rawCommand(n.port, ['CLUSTER', 'INFO']).catch(() => '')),
    );
    const slots = await Promise.all(
      nodes.map((n) => rawCommand(n.port, ['CLUSTER', 'SLOTS']).catch(() => [])),
    );
    const ok = infos.every((i) => typeof i === 'string' && i.includes('cluster_state:ok'));
    const agreed = slots.every((s) => Array.isArray(s) && s.length === nodes.length);
    if (ok && agreed) return;
    if (Date.now() > deadline) {
      throw new Error(
        `@pforge/test-redis: cluster not ok after ${timeoutMs} ms: ${JSON.stringify(infos[0])}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
