import type { Cluster, Redis } from 'ioredis';

/** A Redis node address. */
export interface RedisNodeAddress {
  /** Host name or IP address. @example '10.0.0.1' */
  host: string;
  /** TCP port. @example 7000 */
  port: number;
}

/** TLS settings (also switched on by a `rediss://` URL). Files are read when the manager opens. */
export interface RedisTlsOptions {
  /** PEM of the CA(s) to trust instead of the system ones. */
  ca?: string;
  /** Path of a PEM CA file (read at open). */
  caFile?: string;
  /** PEM client certificate, for servers that require one. */
  cert?: string;
  /** Path of a PEM client certificate. */
  certFile?: string;
  /** PEM client key. */
  key?: string;
  /** Path of a PEM client key. */
  keyFile?: string;
  /** Server name for SNI and certificate checks. @default the host */
  servername?: string;
  /** Verify the server certificate. Turn off only for a throwaway test server. @default true */
  rejectUnauthorized?: boolean;
}

/** Options of {@link createRedisState} (the YAML `state:` block uses the snake_case names). */
export interface RedisStateOptions {
  /**
   * Standalone server: `redis://[user[:password]@]host[:port][/db]` or `rediss://` for TLS.
   * @default 'redis://127.0.0.1:6379' (when neither `cluster`, `sentinel` nor `client` is given)
   * @example 'redis://app:${REDIS_PASSWORD}@cache.internal:6379/0'
   */
  url?: string;
  /** ACL user (overrides the URL's). */
  username?: string;
  /** Password (overrides the URL's). Never shown in any message. */
  password?: string;
  /**
   * Connections opened (YAML `pool_size`). Calls in flight together share one connection (that
   * keeps their order); the next idle moment moves on to the next ready one, so a dead
   * connection is skipped. @default 1
   */
  poolSize?: number;
  /** Every key is stored under this namespace's prefix. @default 'pforge' */
  namespace?: string;
  /** Redis Cluster: seed nodes as `host:port`, `redis[s]://[user:pass@]host:port` or `{ host, port }`. */
  cluster?: { nodes: readonly (string | RedisNodeAddress)[] };
  /** Redis Sentinel: the master group `name` and the sentinels' addresses. */
  sentinel?: {
    name: string;
    nodes: readonly (string | RedisNodeAddress)[];
    /** ACL user of the sentinels themselves. */
    username?: string;
    /** Password of the sentinels themselves (the master's is `password`). */
    password?: string;
  };
  /** Time to establish a connection, in ms (YAML `connect_timeout_ms`). @default 5000 */
  connectTimeoutMs?: number;
  /**
   * Every call settles within this many ms, with `ERR_STATE_UNAVAILABLE` when Redis is
   * unreachable or slow (YAML `command_timeout_ms`). @default 5000
   */
  commandTimeoutMs?: number;
  /** TLS: `true` for defaults, or settings. A `rediss://` URL implies `true`. */
  tls?: boolean | RedisTlsOptions;
  /**
   * A client you own (`new Redis(...)` or `new Cluster(...)`): used as is and left open by
   * `close()`. Code only; excludes the connection options above.
   */
  client?: Redis | Cluster;
}

/** Options after validation, with every default applied. */
export interface ResolvedRedisOptions {
  mode: 'standalone' | 'cluster' | 'sentinel' | 'client';
  namespace: string;
  poolSize: number;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** Standalone target. */
  host: string;
  port: number;
  db: number;
  username: string | undefined;
  password: string | undefined;
  nodes: RedisNodeAddress[];
  sentinelName: string | undefined;
  sentinelUsername: string | undefined;
  sentinelPassword: string | undefined;
  tls: RedisTlsOptions | undefined;
  client: Redis | Cluster | undefined;
  /** Every secret, for redaction of messages. */
  secrets: string[];
}
