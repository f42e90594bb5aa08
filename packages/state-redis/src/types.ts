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

/**
 * The options as the engine uses them: validated, defaults applied, addresses parsed (what
 * `resolveOptions` returns and `redisBackend.create` takes).
 */
export interface ResolvedRedisOptions {
  /** How the manager reaches Redis. */
  mode: 'standalone' | 'cluster' | 'sentinel' | 'client';
  /** The namespace every key is stored under. */
  namespace: string;
  /** Connections opened. */
  poolSize: number;
  /** Time to establish a connection, in ms. */
  connectTimeoutMs: number;
  /** Time within which every call settles, in ms. */
  commandTimeoutMs: number;
  /** Standalone host (from `url`). */
  host: string;
  /** Standalone port (from `url`). */
  port: number;
  /** Database number (from `url`). */
  db: number;
  /** ACL user of the data nodes. */
  username: string | undefined;
  /** Password of the data nodes. */
  password: string | undefined;
  /** Cluster seed nodes, or the sentinels. */
  nodes: RedisNodeAddress[];
  /** Sentinel master group name. */
  sentinelName: string | undefined;
  /** ACL user of the sentinels. */
  sentinelUsername: string | undefined;
  /** Password of the sentinels. */
  sentinelPassword: string | undefined;
  /** TLS settings, `undefined` for none. */
  tls: RedisTlsOptions | undefined;
  /** A borrowed client. */
  client: Redis | Cluster | undefined;
  /** Every secret given, in every form written, for the redaction of messages. */
  secrets: string[];
}
