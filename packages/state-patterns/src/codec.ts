import { StateError } from '@pforge/state-core';
import { SOURCE } from './deadline.js';

/**
 * Turns values of type `T` into stored bytes and back (the same shape as core's `Codec`, so
 * core's `jsonCodec`, `textCodec` and `bytesCodec` fit).
 */
export interface Codec<T> {
  /** A short name shown in error messages. */
  readonly name?: string;
  /** The bytes to store for `value`. */
  readonly encode: (value: T) => Uint8Array;
  /** The value stored as `bytes`. */
  readonly decode: (bytes: Uint8Array) => T;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const DATE = '$date';

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date
    ? { [DATE]: Number.isNaN(raw.getTime()) ? null : raw.toISOString() }
    : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === DATE) {
      const iso = (value as Record<string, unknown>)[DATE];
      return new Date(typeof iso === 'string' ? iso : Number.NaN);
    }
  }
  return value;
}

/** The default codec of the patterns: JSON in which `Date` values survive a round trip. */
export const defaultCodec: Codec<unknown> = Object.freeze({
  name: 'json',
  encode: (value: unknown) => encoder.encode(JSON.stringify(value, replacer)),
  decode: (bytes: Uint8Array) => JSON.parse(decoder.decode(bytes), reviver) as unknown,
});

/** Encodes with `codec`, turning a failure into `ERR_STATE_SERIALIZATION` naming `key`. */
export function encodeWith<T>(codec: Codec<T>, key: string, value: T): Uint8Array {
  try {
    return codec.encode(value);
  } catch (err) {
    throw serializationError('encode', codec, key, err);
  }
}

/** Decodes with `codec`, turning a failure into `ERR_STATE_SERIALIZATION` naming `key`. */
export function decodeWith<T>(codec: Codec<T>, key: string, bytes: Uint8Array): T {
  try {
    return codec.decode(bytes);
  } catch (err) {
    throw serializationError('decode', codec, key, err);
  }
}

function serializationError(
  op: string,
  codec: { readonly name?: string },
  key: string,
  err: unknown,
): StateError {
  const why = err instanceof Error ? err.message : String(err);
  return new StateError(
    'ERR_STATE_SERIALIZATION',
    `[${SOURCE}] cannot ${op} the value of key ${JSON.stringify(key)} with the ${codec.name ?? 'custom'} codec: ${why}`,
    { cause: err },
  );
}
