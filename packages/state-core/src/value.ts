import { describeValue, StateError } from './errors.js';

/**
 * The largest value, in bytes, that every built-in backend accepts: 16 MiB.
 * (Redis allows 512 MiB and LMDB more, but a state value this large is a bug.)
 */
export const MAX_VALUE_BYTES = 16 * 1024 * 1024;

/** Whether `value` is a storable value: a `Uint8Array` (a `Buffer` is one) of at most {@link MAX_VALUE_BYTES}. */
export function isValidValue(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.byteLength <= MAX_VALUE_BYTES;
}

/** Throws `ERR_STATE_INVALID_VALUE` unless `value` is valid; names `key`. */
export function assertValue(
  value: unknown,
  key: string,
  source = '@pforge/state-core',
): asserts value is Uint8Array {
  if (isValidValue(value)) return;
  const why =
    value instanceof Uint8Array
      ? `is ${value.byteLength} bytes, over the maximum of ${MAX_VALUE_BYTES}`
      : `must be a Uint8Array (got ${describeValue(value)})`;
  throw new StateError(
    'ERR_STATE_INVALID_VALUE',
    `[${source}] value of key ${JSON.stringify(key)} ${why}`,
  );
}

/** A fresh copy of `bytes` as a plain `Uint8Array`, sharing no memory with it. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

/** Whether `a` and `b` hold the same bytes. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.byteLength;
  if (n !== b.byteLength) return false;
  if (n > 64) return Buffer.from(a.buffer, a.byteOffset, n).equals(b);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
