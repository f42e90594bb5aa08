import { describeValue, isStateError, StateError } from '@pforge/state-core';
import { SOURCE } from './options.js';

/**
 * `err` as a {@link StateError}: ours pass through; anything else (a throwing getter or proxy
 * in an argument, an allocation failure) becomes `ERR_STATE_BACKEND` with it as `cause`, as
 * core's driver base reports it.
 */
export function asStateError(err: unknown, op: string): StateError {
  if (isStateError(err)) return err;
  const why = err instanceof Error ? err.message : describeValue(err);
  return new StateError('ERR_STATE_BACKEND', `[${SOURCE}] ${op}() failed: ${why}`, { cause: err });
}
