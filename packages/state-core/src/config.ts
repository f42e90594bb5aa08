import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { configError } from './config-error.js';
import { type ConfigIssue, StateError } from './errors.js';
import { suggestName } from './suggest.js';

const SOURCE = '@pforge/state-core';

/**
 * The `state:` block of a pforge YAML file, as parsed (or written in code): `backend` plus
 * that backend's options in snake_case. Not yet validated.
 * @example { backend: 'lmdb', path: './.pforge/state', cache_size: 10_000 }
 */
export interface StateConfigInput {
  /** `memory`, `lmdb`, `redis`, or the package name of a third-party backend. */
  readonly backend?: string;
  /** The backend's options, snake_case as in YAML. */
  readonly [option: string]: unknown;
}

/** A validated `state:` block: `${VAR}` references expanded, options split from `backend`. */
export interface StateConfig {
  /** The backend name as written (after `${VAR}` expansion). */
  backend: string;
  /** Every option but `backend`, snake_case, for the backend's `resolveOptions`. */
  options: Record<string, unknown>;
}

/** Options of {@link parseStateConfig}. */
export interface ParseStateConfigOptions {
  /** Where `${VAR}` references are read from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** Dot-path prefix of every problem. @default 'state' */
  path?: string;
}

const SNAKE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const REF = /\$\$\{|\$\{([^}]*)\}?/g;
const REF_BODY = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

const blockSchema = z.object({
  backend: z
    .string({ error: 'required: `memory`, `lmdb`, `redis` or a backend package name' })
    .min(1, 'must not be empty'),
});

/**
 * Validates a `state:` block and expands `${VAR}` / `${VAR:-default}` in every string value
 * (keys untouched; `$${` writes a literal `${`; `:-` applies when the variable is unset or
 * empty, as in a shell). Expanded values stay strings. Throws one `ERR_STATE_CONFIG` listing
 * every problem with its dot-path: a missing `backend`, an option that is not snake_case
 * (with the snake_case name suggested), an unset variable without a default (named; its
 * value is never printed). The backend's own options are checked later, by its
 * `resolveOptions`, which {@link createStateManager} runs before any I/O.
 * @example
 * parseStateConfig({ backend: 'redis', url: '${REDIS_URL}' }) // { backend: 'redis', options: { url: '…' } }
 */
export function parseStateConfig(
  input: unknown,
  options: ParseStateConfigOptions = {},
): StateConfig {
  const { config, issues } = checkStateConfig(input, options);
  if (!config || issues.length > 0) throw configError(SOURCE, issues);
  return config;
}

/**
 * Like {@link parseStateConfig} but returns the problems instead of throwing, so a caller
 * (the factory) can add the backend's own problems and report everything at once.
 * `config` is present when `backend` could be read; `secrets` holds every value read from
 * the environment, for masking in later messages.
 */
export function checkStateConfig(
  input: unknown,
  options: ParseStateConfigOptions = {},
): { config?: StateConfig; issues: ConfigIssue[]; secrets: string[] } {
  const root = options.path ?? 'state';
  const secrets: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const got = input === null ? 'null' : Array.isArray(input) ? 'a list' : typeof input;
    return {
      issues: [{ path: root, message: `must be a mapping of options (got ${got})` }],
      secrets,
    };
  }
  const issues: ConfigIssue[] = [];
  const env = options.env ?? process.env;
  const ctx = { env, issues, secrets };
  const expanded = expandEnv(input, ctx, root) as Record<string, unknown>;
  const parsed = blockSchema.safeParse(expanded);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const path = [root, ...i.path.map(String)].join('.');
      // An unset ${VAR} already explains why this option came out empty: one line per option.
      if (!issues.some((known) => known.path === path)) issues.push({ path, message: i.message });
    }
  }
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(expanded)) {
    if (key === 'backend') continue;
    if (!parsed.success && suggestName(key, ['backend']) === 'backend') {
      issues.push({ path: `${root}.${key}`, message: 'unknown option (did you mean `backend`?)' });
    } else if (!SNAKE.test(key)) {
      const snake = toSnakeCase(key);
      const hint = SNAKE.test(snake) ? ` (did you mean \`${snake}\`?)` : '';
      issues.push({ path: `${root}.${key}`, message: `option names are snake_case${hint}` });
    }
    Object.defineProperty(rest, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return parsed.success
    ? { config: { backend: parsed.data.backend, options: rest }, issues, secrets }
    : { issues, secrets };
}

function toSnakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[-\s]+/g, '_')
    .toLowerCase();
}

interface ExpandContext {
  env: Readonly<Record<string, string | undefined>>;
  issues: ConfigIssue[];
  /** Every value read from the environment, to be masked in later messages. */
  secrets: string[];
}

/** Expands `${VAR}` references in every string inside `value`, collecting problems. */
function expandEnv(value: unknown, ctx: ExpandContext, path: string): unknown {
  if (typeof value === 'string') return expandString(value, ctx, path);
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, ctx, `${path}.${i}`));
  if (typeof value !== 'object' || value === null || !isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const x = expandEnv(v, ctx, `${path}.${k}`);
    Object.defineProperty(out, k, {
      value: x,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function expandString(text: string, { env, issues, secrets }: ExpandContext, path: string): string {
  if (!text.includes('${')) return text;
  return text.replace(REF, (match, body: string | undefined) => {
    if (match === '$${') return '${';
    const m = match.endsWith('}') ? REF_BODY.exec(body ?? '') : null;
    if (!m) {
      issues.push({
        path,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the syntax itself, shown to the user
        message: 'malformed environment reference: write `${NAME}` or `${NAME:-default}`',
      });
      return '';
    }
    const [, name, fallback] = m as unknown as [string, string, string | undefined];
    const set = env[name];
    if (set !== undefined && (set !== '' || fallback === undefined)) {
      secrets.push(set);
      return set;
    }
    if (fallback !== undefined) return fallback;
    issues.push({
      path,
      message: `environment variable \`${name}\` is not set (set it, or write \`\${${name}:-default}\`)`,
    });
    return '';
  });
}

/**
 * Reads a pforge YAML file and returns its `state:` block, not yet validated (pass it to
 * `createStateManager`). A missing or unreadable file, a YAML syntax error or a missing
 * `state:` block is `ERR_STATE_CONFIG` naming the file.
 * @example const block = await readStateConfig('./pforge.yaml');
 */
export async function readStateConfig(file: string | URL): Promise<StateConfigInput> {
  const name = typeof file === 'string' ? file : fileURLToPath(file);
  let text: string;
  try {
    text = await readFile(name, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'error'})`;
    throw new StateError('ERR_STATE_CONFIG', `[${SOURCE}] config file ${name} ${why}`, {
      cause: err,
    });
  }
  const doc = parseDocument(text, { prettyErrors: true, merge: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const at = first.linePos?.[0];
    const where = at ? ` at line ${at.line}, column ${at.col}` : '';
    // Only the first line of the parser's message: the rest quotes the file, which may hold secrets.
    const what = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    // The parser's own error quotes the file, so it is not kept: a bare one stands in.
    const cause = new Error(what);
    cause.name = first.name;
    cause.stack = `${cause.name}: ${what}`;
    throw new StateError(
      'ERR_STATE_CONFIG',
      `[${SOURCE}] ${name} is not valid YAML${where}: ${what}`,
      {
        cause,
      },
    );
  }
  const root: unknown = doc.toJS();
  const block =
    typeof root === 'object' && root !== null ? (root as { state?: unknown }).state : undefined;
  if (block === undefined || block === null) {
    throw new StateError(
      'ERR_STATE_CONFIG',
      `[${SOURCE}] ${name} has no \`state:\` block (add \`state:\` with at least \`backend: memory\`)`,
    );
  }
  if (typeof block !== 'object' || Array.isArray(block)) {
    throw new StateError(
      'ERR_STATE_CONFIG',
      `[${SOURCE}] the \`state:\` block of ${name} must be a mapping of options`,
    );
  }
  return block as StateConfigInput;
}
