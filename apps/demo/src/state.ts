import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkStateConfig,
  createStateManager,
  DEFAULT_NAMESPACE,
  readStateConfig,
  type StateManager,
} from '@pforge/state-core';
import { log } from './log.js';

/** The demo's directory (this file runs from `dist/`): backend packages are resolved from here. */
export const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

/** The demo's own `pforge.yaml`, next to its `package.json`. */
export const DEFAULT_CONFIG_FILE = resolve(APP_DIR, 'pforge.yaml');

/** An open state and what it was opened from. */
export interface OpenedState {
  state: StateManager;
  /** The `backend:` of the config, e.g. `lmdb`. */
  backend: string;
  /** The namespace every key of this server lives in. */
  namespace: string;
  /** The absolute path of the config file. */
  configFile: string;
}

/**
 * Reads the `state:` block of `configPath` (default: the demo's own pforge.yaml) and opens it
 * with core's factory. A relative LMDB `path` (after `${VAR}` expansion) is taken relative to
 * the config file, so the server finds the same store whatever directory it is started from.
 * Throws core's `ERR_STATE_CONFIG` for a bad file, a typo or a backend package that is not
 * installed.
 */
export async function openState(configPath: string | undefined): Promise<OpenedState> {
  const configFile = resolve(configPath ?? DEFAULT_CONFIG_FILE);
  const block = await readStateConfig(configFile);
  // Core's own check, to read the expanded values; its problems are reported by the factory.
  const checked = checkStateConfig(block).config;
  const path = checked?.options.path;
  const config: Record<string, unknown> = { ...block };
  if (typeof path === 'string' && !isAbsolute(path)) {
    // Written back expanded; a literal `${` is escaped so the factory does not expand it again.
    config.path = resolve(dirname(configFile), path).replaceAll('${', '$${');
  }
  // Resolve backend packages from the app, not the working directory: an MCP client may start
  // the server from anywhere.
  const state = await createStateManager(config, {
    cwd: APP_DIR,
    onNotice: (message) => log(message),
  });
  const namespace = checked?.options.namespace;
  return {
    state,
    backend: checked?.backend ?? 'unknown',
    namespace: typeof namespace === 'string' ? namespace : DEFAULT_NAMESPACE,
    configFile,
  };
}
