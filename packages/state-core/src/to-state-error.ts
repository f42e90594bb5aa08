import { describeValue, isStateError, StateError } from './errors.js';

/**
 * The one mapping from anything an operation throws to what a caller sees: a `StateError`
 * passes through; anything else becomes `ERR_STATE_BACKEND` naming the package and the
 * operation, with the first line of the original message and the original as `cause`.
 * @example throw toStateError(err, '@acme/state-foo', 'get');
 */
export function toStateError(err: unknown, source: string, op: string): StateError {
  if (isStateError(err)) return err;
  const why = err instanceof Error ? (err.message.split('\n')[0] ?? '') : describeValue(err);
  return new StateError('ERR_STATE_BACKEND', `[${source}] ${op}() failed: ${why}`, {
    cause: err,
  });
}

/** `ERR_STATE_CLOSED` for a call of `op` after `close()`. */
export function closedError(source: string, op: string): StateError {
  return new StateError('ERR_STATE_CLOSED', `[${source}] ${op}() called after close()`);
}
