import { defineBackend } from '@pforge/state-core';
import { z } from 'zod';
import { createKvState, type KvStateOptions, SOURCE } from './kv-state.js';

export type { KvStateOptions } from './kv-state.js';
export { createKvState } from './kv-state.js';

/** The options of the `state:` block (snake_case, as in YAML; these happen to be one word). */
const optionsSchema = z
  .object({
    namespace: z.string().min(1).optional(),
    store: z.string().min(1).optional(),
  })
  .strict();

/**
 * The backend definition the factory loads for `backend: "@acme/state-kv"`.
 * @example
 * const state = await createStateManager({ backend: '@acme/state-kv', namespace: 'app' });
 */
export const kvBackend = defineBackend<KvStateOptions>({
  name: SOURCE,
  options: optionsSchema,
  create: (options) => createKvState(options),
});

/** Validates a `state:` block (without `backend`); throws one `ERR_STATE_CONFIG` listing every problem. */
export const resolveOptions = (input: unknown): KvStateOptions => kvBackend.resolveOptions(input);
