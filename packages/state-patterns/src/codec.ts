import { type Codec, StateError } from '@pforge/state-core';
import { SOURCE } from './source.js';

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
