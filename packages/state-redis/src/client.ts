import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { ResolvedRedisOptions } from './types.js';

/** A standalone / Sentinel connection or a cluster client. */
export type Client = Redis | Cluster;

function tlsOptions(o: ResolvedRedisOptions): ConnectionOptions | undefined {
  const t = o.tls;
  if (!t) return undefined;
  const file = (f: string | undefined) => (f === undefined ? undefined : readFileSync(f, 'utf8'));
  const ca = t.ca ?? file(t.caFile);
  const cert = t.cert ?? file(t.certFile);
  const key = t.key ?? file(t.keyFile);
  return {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(t.servername ? { servername: t.servername } : {}),
    ...(t.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
  };
}

/** ioredis options shared by every mode: fail fast, never resend, reconnect forever. */
function baseOptions(o: ResolvedRedisOptions): RedisOptions {
  const tls = tlsOptions(o);
  return {
    ...(o.username ? { username: o.username } : {}),
    ...(o.password ? { password: o.password } : {}),
    ...(tls ? { tls } : {}),
    db: o.db,
    connectTimeout: o.connectTimeoutMs,
    commandTimeout: o.commandTimeoutMs,
    // No ioredis offline queue: a call waits (bounded) in the pool instead.
    enableOfflineQueue: false,
    // A command in flight when the connection drops is rejected, never resent.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
    // A failed-over master answers READONLY: reconnect (sentinel finds the new master); the
    // failed write was not applied, and is not resent.
    reconnectOnError: (err) => (/^READONLY/.test(err.message) ? 1 : false),
    connectionName: 'pforge-state',
    // ioredis ends a socket and destroys it after this many ms if it is still open. Its
    // default (2 s) is an un-unref'd timer that kept the process alive after a failed open.
    disconnectTimeout: 0,
  };
}

/** A new, not yet connected (lazy) ioredis client for the resolved options. */
export function createClient(o: ResolvedRedisOptions): Client {
  const base = baseOptions(o);
  if (o.mode === 'cluster') {
    return new Cluster(o.nodes, {
      redisOptions: base,
      // A command for a node whose connection is still opening waits in that node's queue
      // (bounded by the command timeout); with false, ioredis rejects it as "Connection is
      // closed" although it was never sent. The pool only sends once the cluster is ready.
      enableOfflineQueue: true,
      lazyConnect: true,
      clusterRetryStrategy: (attempt) => Math.min(100 * attempt, 1000),
      slotsRefreshTimeout: Math.min(o.connectTimeoutMs, 5000),
      // A command whose connection closed may have run: never resend it (ioredis would after
      // retryDelayOnFailover). MOVED / ASK / TRYAGAIN / CLUSTERDOWN replies mean it did not
      // run, so following those stays safe.
      retryDelayOnFailover: 0,
      retryDelayOnClusterDown: 100,
    });
  }
  if (o.mode === 'sentinel') {
    return quickSentinelQueries(
      new Redis({
        ...base,
        sentinels: o.nodes,
        name: o.sentinelName!,
        ...(o.sentinelUsername ? { sentinelUsername: o.sentinelUsername } : {}),
        ...(o.sentinelPassword ? { sentinelPassword: o.sentinelPassword } : {}),
        ...(base.tls ? { enableTLSForSentinelMode: true, sentinelTLS: base.tls } : {}),
        sentinelRetryStrategy: (attempt) => Math.min(100 * attempt, 1000),
      }),
    );
  }
  return new Redis({ ...base, host: o.host, port: o.port });
}

type SentinelQuery = (endpoint: unknown, options?: Record<string, unknown>) => unknown;

/**
 * ioredis asks each sentinel through a short-lived client built with the default
 * `disconnectTimeout` (2 s), and disconnects it after it has ended: that timer is never
 * cleared and kept a process alive 2 s after a failed open. The query clients get
 * `disconnectTimeout: 0` too (through the connector's `connectToSentinel`, when this ioredis
 * has it; otherwise nothing changes).
 */
function quickSentinelQueries(client: Redis): Redis {
  const connector = (client as unknown as { connector?: { connectToSentinel?: SentinelQuery } })
    .connector;
  const query = connector?.connectToSentinel;
  if (connector && typeof query === 'function') {
    connector.connectToSentinel = (endpoint, options) =>
      query.call(connector, endpoint, { disconnectTimeout: 0, ...options });
  }
  return client;
}

/** Whether `c` is a cluster client (an ioredis `Cluster`, or one from another ioredis copy). */
export function isClusterClient(c: Client): c is Cluster {
  return c instanceof Cluster || (c as { isCluster?: boolean }).isCluster === true;
}
