import {
  type ConfigIssue,
  configError,
  isStateError,
  type ParseOptionsContext,
  parseOptions,
} from '@pforge/state-core';
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { addressIssues } from './address.js';
import { normalize } from './normalize.js';
import { SOURCE } from './source.js';
import type { RedisStateOptions, ResolvedRedisOptions } from './types.js';

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
// Address strings are checked by `addressIssues` (which masks their passwords itself), so
// the schema's own messages never quote them.
const node = z.union([str, z.object({ host: str, port: intFrom(1, 65535) }).strict()], {
  error: 'must be "host:port", a redis:// URL or { host, port }',
});

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
      url: str.optional(),
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
 * `parseOptions` plus the address checks, every problem reported at once; throws one
 * `ERR_STATE_CONFIG` or returns the parsed options.
 */
function parseAll(schema: z.ZodType, input: unknown, ctx: ParseOptionsContext): unknown {
  let issues: ConfigIssue[] = [];
  let parsed: unknown;
  try {
    parsed = parseOptions(schema, input, ctx);
  } catch (err) {
    if (!isStateError(err, 'ERR_STATE_CONFIG') || !err.issues) throw err;
    issues = [...err.issues];
  }
  const own = addressIssues(input, ctx.path ?? 'state');
  if (issues.length + own.length > 0) throw configError(SOURCE, [...issues, ...own]);
  return parsed;
}

/**
 * Validates the YAML `state:` block of the redis backend (snake_case, without `backend`)
 * before any I/O and returns the options for {@link createRedisState}. Throws one
 * `ERR_STATE_CONFIG` listing every problem with its dot-path; secrets are never shown.
 * @example resolveOptions({ url: 'redis://localhost:6379', pool_size: 2 })
 */
export function resolveOptions(input: unknown): RedisStateOptions {
  const parsed = parseAll(yamlSchema, input ?? {}, {
    source: SOURCE,
    optionNames: YAML_OPTION_NAMES,
  });
  const options = camelize(parsed) as RedisStateOptions;
  normalize(options, 'state');
  return options;
}

const CODE_OPTION_NAMES = Object.keys(codeSchema.shape);

/** Validates options written in code (camelCase) and applies every default. */
export function resolveCodeOptions(input: unknown): ResolvedRedisOptions {
  const options = parseAll(codeSchema, input ?? {}, {
    source: SOURCE,
    path: 'options',
    optionNames: CODE_OPTION_NAMES,
  }) as RedisStateOptions;
  return normalize(options, 'options');
}
