import { checkStateConfig, readStateConfig, type StateConfigInput } from './config.js';
import { configError } from './config-error.js';
import { type BackendDefinition, isBackendDefinition } from './define-backend.js';
import { type ConfigIssue, describeValue, isStateError, StateError } from './errors.js';
import { collectSecrets, redactIssues, redactText, safeCause } from './redact.js';
import { isPackageName, ownDirectory, resolvePackageEntry } from './resolve-package.js';
import { suggestName } from './suggest.js';
import type { StateManager } from './types.js';

const SOURCE = '@pforge/state-core';

/** The backends of this project, each in its own package `@pforge/state-<name>`. */
export const BUILTIN_BACKENDS = ['memory', 'lmdb', 'redis'] as const;

/** A package name that may well be a backend: scoped, or naming state/pforge. */
const LOOKS_LIKE_BACKEND = /^@[^/]+\/|state|pforge/i;

/**
 * The package of each built-in name. `sled` (the Rust runtime's store) is served by LMDB,
 * whose definition declares the alias and how its options translate.
 */
const BUILTIN_PACKAGES: Readonly<Record<string, string>> = {
  memory: '@pforge/state-memory',
  lmdb: '@pforge/state-lmdb',
  redis: '@pforge/state-redis',
  sled: '@pforge/state-lmdb',
};

// Shared through globalThis so the ESM and the CJS copy of core, when both are loaded, see
// the same registered backends.
const REGISTRY_KEY = Symbol.for('@pforge/state-core/backends');
const shared = globalThis as Record<symbol, unknown>;
shared[REGISTRY_KEY] ??= new Map<string, BackendDefinition>();
const registry = shared[REGISTRY_KEY] as Map<string, BackendDefinition>;

/** Options of {@link createStateManager} and {@link loadBackend}. */
export interface CreateStateManagerOptions {
  /** Where `${VAR}` references are read from. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * The application directory backend packages are resolved from first (then core's own
   * location). @default process.cwd()
   */
  cwd?: string;
  /**
   * Receives notices that are not errors (today: `backend: sled`, an alias LMDB serves).
   * @default emits a Node warning (`process.emitWarning`, code `PFORGE_STATE_NOTICE`)
   */
  onNotice?: (message: string) => void;
}

/**
 * Adds a backend in code, under `definition.name`. It takes precedence over a package of the
 * same name (so a registered `lmdb` replaces `@pforge/state-lmdb`). Returns a function that
 * removes it again.
 * @example registerBackend(defineBackend({ name: 'mine', options: z.object({}).strict(), create }));
 */
export function registerBackend(definition: BackendDefinition): () => void {
  if (!isBackendDefinition(definition)) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${SOURCE}] registerBackend() takes a definition made with defineBackend() (got ${describeValue(definition)})`,
    );
  }
  const def = definition as BackendDefinition;
  registry.set(def.name, def);
  return () => {
    if (registry.get(def.name) === def) registry.delete(def.name);
  };
}

/**
 * The package that holds backend `name`: `@pforge/state-<name>` for a built-in one, else
 * `name` itself (a third-party package).
 * @example backendPackageName('lmdb') // '@pforge/state-lmdb'
 */
export function backendPackageName(name: string): string {
  return Object.hasOwn(BUILTIN_PACKAGES, name) ? BUILTIN_PACKAGES[name]! : name;
}

/**
 * Finds backend `name`: a registered one, else its package (see {@link backendPackageName}),
 * imported dynamically from `options.cwd` first, then from core's own location. The module's
 * definition is its export (default or named) that passes `isBackendDefinition`.
 * Throws `ERR_STATE_CONFIG` saying which package to install when it is missing.
 * @example const def = await loadBackend('memory');
 */
export async function loadBackend(
  name: string,
  options: Pick<CreateStateManagerOptions, 'cwd'> = {},
): Promise<BackendDefinition> {
  const registered =
    registry.get(name) ?? [...registry.values()].find((d) => Object.hasOwn(d.aliases, name));
  if (registered) return registered;
  const pkg = backendPackageName(name);
  if (!isPackageName(pkg)) throw unknownBackend(name);
  const from = [options.cwd ?? process.cwd(), ownDirectory()];
  let found: { dir: string; url?: string } | undefined;
  for (const dir of from) {
    found = resolvePackageEntry(pkg, dir);
    if (found !== undefined) break;
  }
  if (found === undefined) throw notInstalled(name, pkg);
  const { url } = found;
  if (url === undefined) {
    throw backendError(`package ${pkg} (in ${found.dir}) has no main entry that Node can import`);
  }
  let mod: unknown;
  try {
    mod = await import(url);
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : describeValue(err);
    throw backendError(`backend package ${pkg} failed to load: ${why}`, err);
  }
  const definition = pickDefinition(mod, name);
  if (!definition) {
    throw backendError(
      `package ${pkg} exports no backend definition (export the result of defineBackend() from @pforge/state-core)`,
    );
  }
  return definition;
}

function pickDefinition(mod: unknown, name: string): BackendDefinition | undefined {
  if (typeof mod !== 'object' || mod === null) return undefined;
  const m = mod as Record<string, unknown>;
  const candidates: unknown[] = [m.default, ...Object.values(m)];
  // A CommonJS module imported from ESM: its exports object is the default export.
  if (typeof m.default === 'object' && m.default !== null)
    candidates.push(...Object.values(m.default));
  const found = candidates.filter(isBackendDefinition);
  return (
    found.find((d) => d.name === name) ??
    found.find((d) => Object.hasOwn(d.aliases, name)) ??
    found[0]
  );
}

function backendError(message: string, cause?: unknown): StateError {
  return new StateError('ERR_STATE_CONFIG', `[${SOURCE}] ${message}`, {
    issues: [{ path: 'state.backend', message }],
    ...(cause === undefined ? {} : { cause }),
  });
}

function unknownBackend(name: string): StateError {
  const known = [...BUILTIN_BACKENDS, ...registry.keys()];
  const hint = suggestName(name, known);
  return backendError(
    `unknown backend ${describeValue(name)}${hint ? ` (did you mean \`${hint}\`?)` : ''}: use ${BUILTIN_BACKENDS.join(', ')}, or the package name of a third-party backend`,
  );
}

function notInstalled(name: string, pkg: string): StateError {
  if (pkg !== name) {
    return backendError(
      `backend \`${name}\` needs the package ${pkg}, which is not installed: run \`npm install ${pkg}\``,
    );
  }
  const hint = suggestName(name, [...BUILTIN_BACKENDS, ...registry.keys()]);
  if (hint !== undefined) {
    return backendError(`unknown backend \`${name}\` (did you mean \`${hint}\`?)`);
  }
  if (LOOKS_LIKE_BACKEND.test(name)) {
    return backendError(
      `backend package ${name} is not installed: if it is a third-party @pforge/state backend, run \`npm install ${name}\``,
    );
  }
  // No install command: a bare name like `rocksdb` is most likely no pforge backend at all.
  return backendError(
    `unknown backend \`${name}\`: it is not built in (${BUILTIN_BACKENDS.join(', ')}), and no package of that name is installed in this project. A third-party backend is named by its package, which must export a definition made with defineBackend()`,
  );
}

/**
 * Opens the backend a `state:` block names: validates the block (and expands `${VAR}`),
 * finds the backend ({@link loadBackend}), runs its `resolveOptions` on every option but
 * `backend` before any I/O, then its `create`. All problems of the block, core's and the
 * backend's, come as one `ERR_STATE_CONFIG` with their dot-paths.
 *
 * A name a backend declares as an alias (`backend: sled`, which LMDB serves at the same
 * `path`) has its options translated by that backend, which sends a notice through
 * `options.onNotice` (by default a Node warning, code `PFORGE_STATE_NOTICE`).
 * @example
 * const state = await createStateManager({ backend: 'lmdb', path: './.pforge/state' });
 */
export async function createStateManager(
  config: StateConfigInput,
  options: CreateStateManagerOptions = {},
): Promise<StateManager> {
  const checked = checkStateConfig(config, options.env ? { env: options.env } : {});
  const { config: parsed, issues } = checked;
  if (!parsed) throw configError(SOURCE, issues);
  // Values read from the environment, and secret-like options, never reach a message.
  const secrets = [...checked.secrets, ...collectSecrets(parsed.options)];
  const { backend } = parsed;
  let definition: BackendDefinition;
  try {
    definition = await loadBackend(backend, options);
  } catch (err) {
    throw merge(issues, err, secrets);
  }
  const alias = definition.name === backend ? undefined : definition.aliases[backend];
  const notice = options.onNotice ?? emitNotice;
  const backendOptions = alias ? alias.translate(parsed.options, notice) : parsed.options;
  let resolved: unknown;
  try {
    resolved = definition.resolveOptions(backendOptions);
  } catch (err) {
    throw merge(issues, err, secrets, definition.source);
  }
  if (issues.length > 0) throw configError(SOURCE, issues);
  try {
    return await definition.create(resolved);
  } catch (err) {
    if (isStateError(err)) throw withoutSecrets(err, secrets);
    const why = redactText(describeError(err), secrets);
    throw new StateError('ERR_STATE_BACKEND', `[${definition.source}] opening failed: ${why}`, {
      cause: safeCause(err, secrets),
    });
  }
}

/** `err` when no secret shows in it anywhere; else the same code with redacted text. */
function withoutSecrets(err: StateError, secrets: readonly string[]): StateError {
  if (safeCause(err, secrets) === err) return err;
  return new StateError(err.code, redactText(err.message, secrets), {
    cause: safeCause(err.cause, secrets),
    ...(err.issues ? { issues: redactIssues(err.issues, secrets) } : {}),
  });
}

/**
 * Adds the problems an error carries to `issues` (masking `secrets`) and returns the error
 * to throw: the backend's own error when it is the only problem and shows no secret.
 */
function merge(
  issues: ConfigIssue[],
  err: unknown,
  secrets: readonly string[],
  source = SOURCE,
): StateError {
  if (!isStateError(err)) {
    const why = redactText(describeError(err), secrets);
    return new StateError('ERR_STATE_CONFIG', `[${source}] resolveOptions() failed: ${why}`, {
      cause: safeCause(err, secrets),
    });
  }
  if (err.code !== 'ERR_STATE_CONFIG') return withoutSecrets(err, secrets);
  const safe = safeCause(err, secrets) === err;
  if (issues.length === 0 && safe) return err;
  const own = (
    err.issues ?? [{ path: 'state', message: err.message.replace(/^\[[^\]]+\] /, '') }]
  ).filter((i) => !issues.some((mine) => mine.path === i.path)); // one line per option
  const head = issues.length === 0 ? source : SOURCE;
  return configError(head, redactIssues([...issues, ...own], secrets), safe ? err : undefined);
}

function describeError(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? '') : describeValue(err);
}

function emitNotice(message: string): void {
  process.emitWarning(message, { type: 'PforgeStateNotice', code: 'PFORGE_STATE_NOTICE' });
}

/**
 * Reads the `state:` block of a pforge YAML file and opens it with {@link createStateManager}.
 * @example await using state = await createStateManagerFromFile('./pforge.yaml');
 */
export async function createStateManagerFromFile(
  file: string | URL,
  options: CreateStateManagerOptions = {},
): Promise<StateManager> {
  return createStateManager(await readStateConfig(file), options);
}
