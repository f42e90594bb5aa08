import { type ConfigIssue, parseOptions } from '@pforge/state-core';
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { normalize, parseNode, parseUrl } from './normalize.js';

/** The package named in every message. */
export const SOURCE = '@pforge/state-redis';

/** A Redis node address. */
export interface RedisNodeAddress {
  host: string;
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
  /** Connections opened, used round-robin (YAML `pool_size`). @default 1 */
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

const intFrom = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
    z
      .number()
      .int(`must be a whole number from ${min} to ${max}`)
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  );
const boolFrom = z.preprocess(
  (v) => (v === 'true' ? true : v === 'false' ? false : v),
  z.boolean(),
);
const str = z.string().min(1, 'must not be empty');
/** Adds the problems `check` finds with a string to the zod context (messages are redacted). */
const checked = (check: (v: string, issues: ConfigIssue[]) => unknown) =>
  z.string().superRefine((v, ctx) => {
    const issues: ConfigIssue[] = [];
    check(v, issues);
    for (const i of issues) ctx.addIssue({ code: 'custom', message: i.message });
  });
const urlString = checked((v, issues) => parseUrl(v, '', issues, true));
const node = z.union(
  [
    checked((v, issues) => parseNode(v, '', issues)),
    z.object({ host: str, port: intFrom(1, 65535) }).strict(),
  ],
  {
    error: 'must be "host:port", a redis:// URL or { host, port }',
  },
);

function schemaFor(snake: boolean) {
  const k = (camel: string, s: string) => (snake ? s : camel);
  const tls = z
    .object({
      ca: str.optional(),
      [k('caFile', 'ca_file')]: str.optional(),
      cert: str.optional(),
      [k('certFile', 'cert_file')]: str.optional(),
      key: str.optional(),
      [k('keyFile', 'key_file')]: str.optional(),
      servername: str.optional(),
      [k('rejectUnauthorized', 'reject_unauthorized')]: boolFrom.optional(),
    })
    .strict();
  return z
    .object({
      url: urlString.optional(),
      username: str.optional(),
      password: z.string().optional(),
      [k('poolSize', 'pool_size')]: intFrom(1, 64).optional(),
      namespace: z.string().optional(),
      cluster: z
        .object({ nodes: z.array(node).min(1, 'needs at least one node') })
        .strict()
        .optional(),
      sentinel: z
        .object({
          name: str,
          nodes: z.array(node).min(1, 'needs at least one node'),
          username: str.optional(),
          password: z.string().optional(),
        })
        .strict()
        .optional(),
      [k('connectTimeoutMs', 'connect_timeout_ms')]: intFrom(1, 600_000).optional(),
      [k('commandTimeoutMs', 'command_timeout_ms')]: intFrom(1, 600_000).optional(),
      tls: z.union([boolFrom, tls]).optional(),
      ...(snake
        ? {}
        : {
            client: z
              .custom<Redis | Cluster>(isClient, 'must be an ioredis Redis or Cluster instance')
              .optional(),
          }),
    })
    .strict();
}

const yamlSchema = schemaFor(true);
const codeSchema = schemaFor(false);

/** Option names of the YAML block, for "did you mean" hints. */
export const YAML_OPTION_NAMES = Object.keys(yamlSchema.shape);

function isClient(v: unknown): boolean {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { sendCommand?: unknown }).sendCommand === 'function'
  );
}

const SNAKE_TO_CAMEL: Record<string, string> = {
  pool_size: 'poolSize',
  connect_timeout_ms: 'connectTimeoutMs',
  command_timeout_ms: 'commandTimeoutMs',
  ca_file: 'caFile',
  cert_file: 'certFile',
  key_file: 'keyFile',
  reject_unauthorized: 'rejectUnauthorized',
};

function camelize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelize);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v).map(([key, val]) => [SNAKE_TO_CAMEL[key] ?? key, camelize(val)]),
  );
}

/**
 * Validates the YAML `state:` block of the redis backend (snake_case, without `backend`)
 * before any I/O and returns the options for {@link createRedisState}. Throws one
 * `ERR_STATE_CONFIG` listing every problem with its dot-path; secrets are never shown.
 * @example resolveOptions({ url: 'redis://localhost:6379', pool_size: 2 })
 */
export function resolveOptions(input: unknown): RedisStateOptions {
  const parsed = parseOptions(yamlSchema, input ?? {}, {
    source: SOURCE,
    optionNames: YAML_OPTION_NAMES,
  });
  const options = camelize(parsed) as RedisStateOptions;
  normalize(options, 'state');
  return options;
}

/** Validates options written in code (camelCase) and applies every default. */
export function resolveCodeOptions(input: unknown): ResolvedRedisOptions {
  const names = Object.keys(codeSchema.shape);
  const options = parseOptions(codeSchema, input ?? {}, {
    source: SOURCE,
    path: 'options',
    optionNames: names,
  }) as RedisStateOptions;
  return normalize(options, 'options');
}
