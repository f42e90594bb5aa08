import type { StandardSchemaV1 } from '@standard-schema/spec';
import { configError } from './config-error.js';
import { type ConfigIssue, StateError } from './errors.js';

export { configError };

import { collectSecrets, redactIssues } from './redact.js';
import { suggestName } from './suggest.js';

export type { ConfigIssue };
export { suggestName };

/** Options of {@link parseOptions}. */
export interface ParseOptionsContext {
  /** The package named in the message, e.g. `@pforge/state-lmdb`. */
  source: string;
  /** Path prefix of every issue. @default 'state' */
  path?: string;
  /**
   * Known top-level option names for "did you mean" hints (derived from a zod object's
   * `shape` when absent; nested objects' names are always derived from their shapes).
   */
  optionNames?: readonly string[];
}

/**
 * Validates `input` against any Standard Schema (zod, valibot, arktype, ...) synchronously and
 * returns the parsed output; otherwise throws one `ERR_STATE_CONFIG` listing every problem
 * with its dot-path and a "did you mean" for an unknown option close to a known one
 * (`cacheSize` → `cache_size`, `cahce_size` → `cache_size`). Values of secret-like options
 * (`password`, `token`, `url`, ...) and URL credentials are masked in every message.
 * @example
 * const opts = parseOptions(z.object({ path: z.string() }).strict(), input, { source: '@acme/state-foo' });
 */
export function parseOptions<T>(
  schema: StandardSchemaV1<unknown, T>,
  input: unknown,
  ctx: ParseOptionsContext,
): T {
  const result = schema['~standard'].validate(input);
  if (result instanceof Promise) {
    throw new StateError(
      'ERR_STATE_CONFIG',
      `[${ctx.source}] the option schema must validate synchronously`,
    );
  }
  if (!result.issues) return result.value;
  const root = ctx.path ?? 'state';
  const issues = result.issues.flatMap((issue) =>
    describeIssue(issue, input, schema, ctx.optionNames, root),
  );
  // Schema messages (custom ones especially) may quote the input: mask secret-like values.
  throw configError(ctx.source, redactIssues(issues, collectSecrets(input)));
}

function describeIssue(
  issue: StandardSchemaV1.Issue,
  input: unknown,
  schema: unknown,
  topNames: readonly string[] | undefined,
  root: string,
): ConfigIssue[] {
  const segs = (issue.path ?? []).map((p) =>
    String(typeof p === 'object' && p !== null ? p.key : p),
  );
  const base = [root, ...segs].join('.');
  const unknownKeys = unrecognizedKeys(issue, input, segs);
  if (unknownKeys) {
    const names = segs.length === 0 && topNames ? topNames : shapeKeys(shapeAt(schema, segs));
    return unknownKeys.map((k) => {
      const hint = suggestName(k, names);
      return {
        path: `${base}.${k}`,
        message: `unknown option${hint ? ` (did you mean \`${hint}\`?)` : ''}`,
      };
    });
  }
  const missing = /^Invalid input: expected (.+), received undefined$/.exec(issue.message);
  return [{ path: base, message: missing ? `required (${missing[1]})` : issue.message }];
}

function unrecognizedKeys(
  issue: StandardSchemaV1.Issue,
  input: unknown,
  segs: string[],
): string[] | undefined {
  const raw = issue as StandardSchemaV1.Issue & { code?: string; keys?: unknown };
  if (raw.code === 'unrecognized_keys' && Array.isArray(raw.keys)) return raw.keys.map(String);
  const m = /^Unrecognized keys?: (.+)$/.exec(issue.message);
  if (!m || segs.length > 0 || typeof input !== 'object' || input === null) return undefined;
  return [...m[1]!.matchAll(/"([^"]+)"/g)].map((x) => x[1]!);
}

interface ZodLike {
  shape?: unknown;
  _zod?: { def?: { innerType?: unknown; shape?: unknown; element?: unknown; in?: unknown } };
}

/** Walks a zod object schema along `segs`, through optional/default/array wrappers. */
function shapeAt(schema: unknown, segs: readonly string[]): unknown {
  let cur = unwrap(schema);
  for (const seg of segs) {
    const def = (cur as ZodLike | undefined)?._zod?.def;
    if (def?.element !== undefined && /^\d+$/.test(seg)) cur = unwrap(def.element);
    else cur = unwrap((shapeOf(cur) as Record<string, unknown> | undefined)?.[seg]);
    if (cur === undefined) return undefined;
  }
  return cur;
}

function unwrap(schema: unknown): unknown {
  let cur = schema;
  for (let i = 0; i < 10; i++) {
    const def = (cur as ZodLike | undefined)?._zod?.def;
    const inner = def?.innerType ?? def?.in;
    if (inner === undefined || shapeOf(cur) !== undefined) return cur;
    cur = inner;
  }
  return cur;
}

function shapeOf(schema: unknown): object | undefined {
  const s = schema as ZodLike | undefined;
  const shape = s?.shape ?? s?._zod?.def?.shape;
  return typeof shape === 'object' && shape !== null ? shape : undefined;
}

function shapeKeys(schema: unknown): readonly string[] {
  const shape = shapeOf(schema);
  return shape ? Object.keys(shape) : [];
}
