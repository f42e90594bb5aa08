import type { StandardSchemaV1 } from '@standard-schema/spec';
import { closest, distance } from 'fastest-levenshtein';
import { StateError } from './errors.js';

/** One problem found in a config or options object. */
export interface ConfigIssue {
  /** Dot-path of the option, e.g. `state.cluster.nodes.0`. */
  path: string;
  /** What is wrong, in a sentence. */
  message: string;
}

/** Options of {@link parseOptions}. */
export interface ParseOptionsContext {
  /** The package named in the message, e.g. `@pforge/state-lmdb`. */
  source: string;
  /** Path prefix of every issue. @default 'state' */
  path?: string;
  /** Known option names for "did you mean" hints (derived from a zod object's `shape` when absent). */
  optionNames?: readonly string[];
}

/**
 * Validates `input` against any Standard Schema (zod, valibot, arktype, ...) synchronously and
 * returns the parsed output; otherwise throws one `ERR_STATE_CONFIG` listing every problem
 * with its dot-path and a "did you mean" for an unknown option close to a known one.
 */
export function parseOptions<T>(schema: StandardSchemaV1<unknown, T>, input: unknown, ctx: ParseOptionsContext): T {
  const result = schema['~standard'].validate(input);
  if (result instanceof Promise) {
    throw new StateError('ERR_STATE_CONFIG', `[${ctx.source}] the option schema must validate synchronously`);
  }
  if (!result.issues) return result.value;
  const names = ctx.optionNames ?? shapeKeys(schema);
  const issues = result.issues.flatMap((issue) => describeIssue(issue, input, names, ctx.path ?? 'state'));
  throw configError(ctx.source, issues);
}

/** One `ERR_STATE_CONFIG` listing `issues`. */
export function configError(source: string, issues: readonly ConfigIssue[], cause?: unknown): StateError {
  const lines = issues.map((i) => `  - \`${i.path}\`: ${i.message}`).join('\n');
  const head = issues.length === 1 ? 'invalid config' : `invalid config (${issues.length} problems)`;
  return new StateError('ERR_STATE_CONFIG', `[${source}] ${head}:\n${lines}`, cause === undefined ? undefined : { cause });
}

/** The known name closest to `name`, when close enough to be a likely typo. */
export function suggestName(name: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(name, known as string[]);
  const limit = Math.max(2, Math.floor(name.length / 3));
  return distance(name, best) <= limit ? best : undefined;
}

function describeIssue(issue: StandardSchemaV1.Issue, input: unknown, names: readonly string[], root: string): ConfigIssue[] {
  const segs = (issue.path ?? []).map((p) => String(typeof p === 'object' && p !== null ? p.key : p));
  const base = [root, ...segs].join('.');
  const unknownKeys = unrecognizedKeys(issue, input, segs);
  if (unknownKeys) {
    return unknownKeys.map((k) => {
      const hint = segs.length === 0 ? suggestName(k, names) : undefined;
      return { path: `${base}.${k}`, message: `unknown option${hint ? ` (did you mean \`${hint}\`?)` : ''}` };
    });
  }
  return [{ path: base, message: issue.message }];
}

function unrecognizedKeys(issue: StandardSchemaV1.Issue, input: unknown, segs: string[]): string[] | undefined {
  const raw = issue as StandardSchemaV1.Issue & { code?: string; keys?: unknown };
  if (raw.code === 'unrecognized_keys' && Array.isArray(raw.keys)) return raw.keys.map(String);
  const m = /^Unrecognized keys?: (.+)$/.exec(issue.message);
  if (!m || segs.length > 0 || typeof input !== 'object' || input === null) return undefined;
  return [...m[1]!.matchAll(/"([^"]+)"/g)].map((x) => x[1]!);
}

function shapeKeys(schema: unknown): readonly string[] {
  const shape = (schema as { shape?: unknown }).shape;
  return typeof shape === 'object' && shape !== null ? Object.keys(shape) : [];
}
