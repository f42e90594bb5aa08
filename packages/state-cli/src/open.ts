import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  backendPackageName,
  checkStateConfig,
  createStateManager,
  DEFAULT_NAMESPACE,
  loadBackend,
  readStateConfig,
  type StateManager,
} from '@pforge/state-core';
import { failure } from './errors.js';

/** Where a command runs: its working directory and environment. */
export interface OpenContext {
  /** Relative paths (the config file) are taken from here. */
  cwd: string;
  /** `${VAR}` references in the config are read from here. */
  env: Readonly<Record<string, string | undefined>>;
  /** Receives the factory's notices (today: `backend: sled` opening LMDB). */
  onNotice: (message: string) => void;
  /**
   * Refuse to open a store whose `path` does not exist yet (commands that only read), rather
   * than let the backend create an empty one where a typo points.
   * @default false
   */
  mustExist?: boolean;
}

/** A store opened from a config file. */
export interface OpenedStore {
  state: StateManager;
  /** The absolute path of the config file. */
  configFile: string;
  /** `backend:` as written (after `${VAR}`), e.g. `lmdb` or `sled`. */
  backend: string;
  /** The namespace from the config, or core's default. */
  namespace: string;
  /** The package that holds the backend, e.g. `@pforge/state-lmdb`. */
  backendPackage: string;
  /** The directory the backend package was resolved from. */
  resolvedFrom: string;
}

/** This module's directory, in the ESM and the CJS build alike. */
export function ownDirectory(): string {
  if (typeof __dirname === 'string') return __dirname;
  return dirname(fileURLToPath(import.meta.url));
}

/** The directory of package `name` as Node finds it from `fromDir` (node_modules up the tree). */
export function findPackage(name: string, fromDir: string): string | undefined {
  for (let dir = resolve(fromDir); ; ) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The `version` in the package.json of directory `dir`, or `undefined`. */
export function packageVersion(dir: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof pkg.version === 'string' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the factory would accept `options` for `backend` (checked without any I/O). */
async function validConfig(backend: string, options: object, cwd: string): Promise<boolean> {
  if (backend === 'sled') return true; // the factory maps it to LMDB, dropping sled options
  try {
    (await loadBackend(backend, { cwd })).resolveOptions(options);
    return backend !== '';
  } catch {
    return false;
  }
}

/**
 * Reads the `state:` block of `file` and opens it through core's factory, so every backend
 * the factory knows works, third-party ones included. A relative LMDB `path` is taken
 * relative to the config file (as the demo server does). The backend package is resolved
 * from the config file's directory, then the working directory, then where this CLI is
 * installed (so `npx -p @pforge/state-cli -p @pforge/state-lmdb pforge-state` works too).
 * Every config problem is the factory's own `ERR_STATE_CONFIG`.
 */
export async function openStore(file: string, ctx: OpenContext): Promise<OpenedStore> {
  const configFile = resolve(ctx.cwd, file);
  const block = await readStateConfig(configFile);
  // Core's own check, to read the expanded values; its problems are reported by the factory.
  const checked = checkStateConfig(block, { env: ctx.env }).config;
  const config: Record<string, unknown> = { ...block };
  const path = checked?.options.path;
  if (typeof path === 'string' && path !== '' && !isAbsolute(path)) {
    // Written back expanded; a literal `${` is escaped so the factory does not expand it again.
    config.path = resolve(dirname(configFile), path).replaceAll('${', '$${');
  }
  const backend = checked?.backend ?? '';
  const backendPackage = backendPackageName(backend === 'sled' ? 'lmdb' : backend);
  const dirs = [dirname(configFile), ctx.cwd, ownDirectory()];
  const resolvedFrom = dirs.find((d) => findPackage(backendPackage, d)) ?? dirs[0]!;
  const options = { env: ctx.env, cwd: resolvedFrom, onNotice: ctx.onNotice };
  const storePath = config.path;
  if (ctx.mustExist && typeof storePath === 'string' && !existsSync(storePath)) {
    // A config problem is reported first, with the factory's own message, and the factory
    // reports it before any I/O; only a valid config gets "no store".
    if (!(await validConfig(backend, checked?.options ?? {}, resolvedFrom))) {
      await (await createStateManager(config, options)).close();
    }
    throw failure(
      'ERR_STATE_CONFIG',
      `no store at ${storePath} (\`path\` in ${configFile}): nothing was written there yet`,
    );
  }
  const state = await createStateManager(config, options);
  const ns = checked?.options.namespace;
  return {
    state,
    configFile,
    backend,
    namespace: typeof ns === 'string' ? ns : DEFAULT_NAMESPACE,
    backendPackage,
    resolvedFrom,
  };
}
