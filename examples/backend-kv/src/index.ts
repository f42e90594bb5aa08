import { defineBackend } from '@pforge/state-core/backend';
import { createKvState, kvOptions, SOURCE } from './kv-state.js';

export type { KvStateOptions } from './kv-state.js';
export { createKvState, kvOptions } from './kv-state.js';

/**
 * The backend definition the factory loads for `backend: "@acme/state-kv"`.
 * @example
 * const state = await createStateManager({ backend: '@acme/state-kv', namespace: 'app' });
 */
export const kvBackend = defineBackend({
  name: SOURCE,
  options: kvOptions,
  create: (options) => createKvState(options),
});
