import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { ConfigIssue } from './errors.js';
import type { OptionSpec } from './option-spec.js';
import { suggestName } from './suggest.js';

/** `cacheSize` → `cache_size`. */
export const toSnake = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();

/** `cache_size` → `cacheSize`. */
export const toCamel = (name: string): string =>
  name.replace(/[_-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** An option name that is not declared, with the declared name it most likely meant. */
export function describeUnknown(
  key: string,
  known: readonly string[],
  root: string,
  otherNaming: readonly string[],
): ConfigIssue {
  const camel = toCamel(key);
  const other = camel !== key && otherNaming.includes(camel) ? camel : undefined;
  const hint = suggestName(key, known) ?? other;
  return {
    path: `${root}.${key}`,
    message: `unknown option${hint ? ` (did you mean \`${hint}\`?)` : ''}`,
  };
}

/** YAML writes nested option names in snake_case; the schemas read the code names. */
function camelizeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelizeKeys);
  if (typeof value !== 'object' || value === null) return value;
  if (Object.getPrototypeOf(value) !== Object.prototype) return value; // a client, a store
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [toCamel(k), camelizeKeys(v)]));
}

/**
 * Validates one option's value against its schema (after the default, and for YAML after
 * turning nested names into code names). Problems come back with YAML or code dot-paths.
 */
export function checkOption(
  spec: OptionSpec<unknown>,
  raw: unknown,
  path: string,
  yaml: boolean,
): { value: unknown; issues: ConfigIssue[] } {
  if (raw === undefined) {
    if (spec.required) return { value: undefined, issues: [{ path, message: 'required' }] };
    return { value: spec.default, issues: [] };
  }
  const input = yaml ? camelizeKeys(raw) : raw;
  const result = spec.schema['~standard'].validate(input);
  if (result instanceof Promise) {
    return {
      value: undefined,
      issues: [{ path, message: 'its schema must validate synchronously' }],
    };
  }
  if (!result.issues) return { value: result.value, issues: [] };
  return {
    value: undefined,
    issues: result.issues.flatMap((i) => describeIssue(i, input, spec.schema, path, yaml)),
  };
}

function segmentsOf(issue: StandardSchemaV1.Issue): string[] {
  return (issue.path ?? []).map((p) => String(typeof p === 'object' && p !== null ? p.key : p));
}

function valueAt(input: unknown, segs: readonly string[]): unknown {
  let cur = input;
  for (const s of segs) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

/** One schema issue as config issues: an unknown nested key gets its own line and a hint. */
function describeIssue(
  issue: StandardSchemaV1.Issue,
  input: unknown,
  schema: unknown,
  path: string,
  yaml: boolean,
): ConfigIssue[] {
  const segs = segmentsOf(issue);
  const name = (s: string) => (yaml && !/^\d+$/.test(s) ? toSnake(s) : s);
  const at = [path, ...segs.map(name)].join('.');
  const raw = issue as StandardSchemaV1.Issue & { code?: unknown; keys?: unknown };
  if (raw.code === 'unrecognized_keys' && Array.isArray(raw.keys)) {
    const known = shapeKeys(schema, segs).map(name);
    return raw.keys.map((k) => describeUnknown(name(String(k)), known, at, []));
  }
  const missing = segs.length > 0 && valueAt(input, segs) === undefined;
  return [{ path: at, message: missing ? 'required' : issue.message }];
}

interface ZodLike {
  shape?: unknown;
  _zod?: { def?: { innerType?: unknown; shape?: unknown; element?: unknown; in?: unknown } };
}

/** The option names a zod object schema declares at `segs` (none for other libraries). */
function shapeKeys(schema: unknown, segs: readonly string[]): string[] {
  let cur = unwrap(schema);
  for (const seg of segs) {
    const def = (cur as ZodLike | undefined)?._zod?.def;
    if (def?.element !== undefined && /^\d+$/.test(seg)) cur = unwrap(def.element);
    else cur = unwrap((shapeOf(cur) as Record<string, unknown> | undefined)?.[seg]);
  }
  const shape = shapeOf(cur);
  return shape ? Object.keys(shape) : [];
}

function unwrap(schema: unknown): unknown {
  let cur = schema;
  for (let i = 0; i < 10 && shapeOf(cur) === undefined; i++) {
    const def = (cur as ZodLike | undefined)?._zod?.def;
    const inner = def?.innerType ?? def?.in;
    if (inner === undefined) return cur;
    cur = inner;
  }
  return cur;
}

function shapeOf(schema: unknown): object | undefined {
  const s = schema as ZodLike | undefined;
  const shape = s?.shape ?? s?._zod?.def?.shape;
  return typeof shape === 'object' && shape !== null ? shape : undefined;
}
