import { z } from 'zod';
import { DEFAULT_NAMESPACE, MAX_NAMESPACE_LENGTH } from './namespace.js';
import { option } from './option-spec.js';

/**
 * The `namespace` option every backend declares: a well-formed string of 1 to 256
 * characters, `pforge` by default.
 */
export const namespaceOption = option({
  schema: z
    .string()
    .min(1, 'must not be empty')
    .max(MAX_NAMESPACE_LENGTH, `must be at most ${MAX_NAMESPACE_LENGTH} characters`)
    .refine((s) => s.isWellFormed(), 'must be well-formed (no lone surrogates)'),
  default: DEFAULT_NAMESPACE,
  doc: 'Keys of other namespaces are never seen, on a shared store too.',
});
