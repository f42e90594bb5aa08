import { describeValue, StateError } from './errors.js';

/**
 * The largest value, in bytes, that every built-in backend accepts: 16 MiB.
 * (Redis allows 512 MiB and LMDB more, but a state value this large is a bug.)
 */
export const MAX_VALUE_BYTES = 16 * 1024 * 1024;

/**
 * Whether `value` is a storable value: a readable `Uint8Array` (a `Buffer` is one) of at most
 * {@link MAX_VALUE_BYTES}. A view of a detached buffer (one transferred to a worker) is not.
 */
export function isValidValue(value: unknown): value is Uint8Array {
  if (!(value instanceof Uint8Array)) return false;
  const n = value.byteLength;
  // A detached view reads as empty: only then is the (rare) detach check needed.
  return n === 0 ? !isDetached(value) : n <= MAX_VALUE_BYTES;
}

/** Whether the buffer under `view` was detached (Node 20 has no `ArrayBuffer#detached`). */
function isDetached(view: Uint8Array): boolean {
  try {
    view.buffer.slice(0, 0);
    return false;
  } catch {
    return true;
  }
}

/** Throws `ERR_STATE_INVALID_VALUE` unless `value` is valid; names `key`. */
export function assertValue(
  value: unknown,
  key: string,
  source = '@pforge/state-core',
): asserts value is Uint8Array {
  if (isValidValue(value)) return;
  let why = `must be a Uint8Array (got ${describeValue(value)})`;
  if (value instanceof Uint8Array) {
    why =
      value.byteLength === 0
        ? 'is a view of a detached buffer (transferred away): it cannot be read'
        : `is ${value.byteLength} bytes, over the maximum of ${MAX_VALUE_BYTES}`;
  }
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
