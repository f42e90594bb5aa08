import { describeValue, StateError } from './errors.js';

/** The longest key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** Whether `key` is a valid key: a well-formed string of 1 to {@link MAX_KEY_BYTES} UTF-8 bytes. */
export function isValidKey(key: unknown): key is string {
  if (typeof key !== 'string') return false;
  const n = key.length;
  if (n === 0) return false;
  // A UTF-16 unit is at most 3 UTF-8 bytes, so short keys skip the byte count.
  if (n > 341 && (n > MAX_KEY_BYTES || Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES)) {
    return false;
  }
  return key.isWellFormed();
}

/**
 * Throws `ERR_STATE_INVALID_KEY` unless `key` is valid (see {@link isValidKey}).
 * @param source the package named in the message, e.g. `@pforge/state-lmdb`.
 */
export function assertKey(key: unknown, source = '@pforge/state-core'): asserts key is string {
  if (!isValidKey(key)) throw invalidKey(key, source);
}

function invalidKey(key: unknown, source: string): StateError {
  let why = 'must be a string';
  if (typeof key === 'string') {
    if (key.length === 0) why = 'must not be empty';
    else if (!key.isWellFormed()) why = 'must be well-formed UTF-16 (it has a lone surrogate)';
    else why = `must be at most ${MAX_KEY_BYTES} UTF-8 bytes (got ${Buffer.byteLength(key)})`;
  }
  return new StateError(
    'ERR_STATE_INVALID_KEY',
    `[${source}] key ${why} (got ${describeValue(key)})`,
  );
}

/** Throws `ERR_STATE_INVALID_ARGUMENT` unless `keys` is an array of valid keys. */
export function assertKeys(
  keys: unknown,
  source = '@pforge/state-core',
): asserts keys is readonly string[] {
  if (!Array.isArray(keys)) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${source}] keys must be an array of strings (got ${describeValue(keys)})`,
    );
  }
  for (let i = 0; i < keys.length; i++) {
    if (!isValidKey(keys[i])) {
      const err = invalidKey(keys[i], source);
      throw new StateError(err.code, err.message.replace('] key ', `] keys[${i}] `));
    }
  }
}

/**
 * Validates the `prefix` option of `keys()`/`clear()` and returns it ('' when absent).
 * Throws `ERR_STATE_INVALID_ARGUMENT` for anything but a well-formed string of at most
 * {@link MAX_KEY_BYTES} UTF-8 bytes.
 */
export function resolvePrefix(options: unknown, source = '@pforge/state-core'): string {
  if (options === undefined) return '';
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${source}] options must be an object like { prefix } (got ${describeValue(options)})`,
    );
  }
  const prefix = (options as { prefix?: unknown }).prefix;
  if (prefix === undefined || prefix === '') return '';
  if (!isValidKey(prefix)) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${source}] \`prefix\` must be a well-formed string of at most ${MAX_KEY_BYTES} UTF-8 bytes (got ${describeValue(prefix)})`,
    );
  }
  return prefix;
}
