import {
  defineOptions,
  namespaceOption,
  type OptionsInput,
  option,
} from '@pforge/state-core/backend';
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import {
  clientSchema,
  clusterSchema,
  intFrom,
  nonEmpty,
  sentinelSchema,
  tlsSchema,
  urlSchema,
} from './option-schemas.js';
import { resolveRedisOptions } from './resolve.js';
import { SOURCE } from './source.js';
import type { RedisNodeAddress, RedisTlsOptions, ResolvedRedisOptions } from './types.js';

const TIMEOUT_MAX_MS = 600_000;

/**
 * The options of the redis backend, declared once: the code options of `createRedisState`,
 * the YAML `state:` block (snake_case, nested names too: `tls.ca_file`), the hints, the
 * defaults and the README table all derive from it. Both parse to the form the engine uses.
 */
export const redisOptions = defineOptions({
  source: SOURCE,
  options: {
    url: option({
      schema: urlSchema,
      defaultText: '`redis://127.0.0.1:6379` (without `cluster`, `sentinel` or `client`)',
      doc: 'Standalone server: `redis://[user[:password]@]host[:port][/db]`, `rediss://` for TLS; percent-encode special characters of the password.',
    }),
    username: option({
      schema: nonEmpty,
      defaultText: "the URL's",
      doc: "ACL user, overriding the URL's; on a cluster for every node, under Sentinel for the master and replicas.",
    }),
    password: option({
      schema: z.string(),
      secret: true,
      defaultText: "the URL's",
      doc: "Password, overriding the URL's; never shown in any message.",
    }),
    namespace: namespaceOption,
    poolSize: option({
      schema: intFrom(1, 64),
      default: 1,
      doc: 'Connections opened (1 to 64). Calls in flight together share one connection, which keeps their issue order; the next idle moment moves on to the next ready connection, so a dead one is skipped.',
    }),
    cluster: option({
      schema: clusterSchema,
      doc: 'Redis Cluster: `{ nodes }`, seed nodes as `"host:port"`, `"redis[s]://[user:pass@]host:port"` or `{ host, port }`; credentials of a node URL apply to every node.',
    }),
    sentinel: option({
      schema: sentinelSchema,
      doc: "Redis Sentinel: `{ name, nodes }`, the master group and the sentinels' addresses; `username` / `password` inside it are the sentinels' own.",
    }),
    connectTimeoutMs: option({
      schema: intFrom(1, TIMEOUT_MAX_MS),
      default: 5000,
      doc: 'Time to establish a connection, in ms; also how long opening waits for the first one.',
    }),
    commandTimeoutMs: option({
      schema: intFrom(1, TIMEOUT_MAX_MS),
      default: 5000,
      doc: 'Every call settles within this many ms: with its result, or with `ERR_STATE_UNAVAILABLE`.',
    }),
    tls: option({
      schema: tlsSchema,
      defaultText: 'off (a `rediss://` address turns it on)',
      doc: '`true`, or `{ ca, ca_file, cert, cert_file, key, key_file, servername, reject_unauthorized }`: PEM strings or file paths (read when the manager opens).',
    }),
    client: option({
      schema: clientSchema,
      yaml: false,
      doc: 'An ioredis `Redis` or `Cluster` you own, used as is and left open by `close()`; excludes `url`, `cluster` and `sentinel`.',
    }),
  },
  resolve: resolveRedisOptions,
});

/**
 * Options of {@link createRedisState} (the YAML `state:` block uses the snake_case names).
 * The members repeat the declaration's types with their docs; the compiler checks they agree.
 */
export interface RedisStateOptions extends OptionsInput<typeof redisOptions.options> {
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

/**
 * Validates the YAML `state:` block of the redis backend (snake_case, without `backend`)
 * before any I/O and returns the options as the engine uses them (what `redisBackend.create`
 * takes). Throws one `ERR_STATE_CONFIG` listing every problem with its dot-path; secrets are
 * never shown.
 * @example resolveOptions({ url: 'redis://localhost:6379', pool_size: 2 })
 */
export function resolveOptions(input: unknown): ResolvedRedisOptions {
  return redisOptions.parseYaml(input);
}
