import { isStateError, jsonCodec, StateError } from '@pforge/state-core';

// The stored bytes of what Keyv hands the adapter. Keyv's default serializer gives a string,
// stored as its plain UTF-8 (so other tools read Keyv's JSON as it is). Anything else starts
// with 0xFF, a byte that never occurs in UTF-8, followed by an ASCII tag:
//   0xFF 'b' <bytes>              a Uint8Array / Buffer (read back as a Buffer)
//   0xFF 'u' <UTF-16LE code units> a string with a lone surrogate (UTF-8 cannot hold it)
//   0xFF 'j' <@pforge/state-core jsonCodec> any other value (Keyv with `serialize: undefined`)
const MARK = 0xff;
const TAG_BYTES = 0x62; // 'b'
const TAG_UTF16 = 0x75; // 'u'
const TAG_JSON = 0x6a; // 'j'

const SOURCE = '@pforge/state-keyv';
const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function tagged(tag: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.byteLength + 2);
  out[0] = MARK;
  out[1] = tag;
  out.set(body, 2);
  return out;
}

function serializationError(key: string, what: string, cause?: unknown): StateError {
  const detail = isStateError(cause) ? `: ${cause.message.replace(/^\[[^\]]*\] /, '')}` : '';
  return new StateError(
    'ERR_STATE_SERIALIZATION',
    `[${SOURCE}] cannot ${what} the value of key ${JSON.stringify(key)}${detail}`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * The bytes stored for `value`, the data Keyv hands a store (see the README, "Values").
 * Throws `ERR_STATE_INVALID_VALUE` for `undefined` and `ERR_STATE_SERIALIZATION` for what
 * cannot be encoded (a function, a symbol, a reference cycle), naming `key`.
 */
export function encodeValue(key: string, value: unknown): Uint8Array {
  if (typeof value === 'string') {
    if (value.isWellFormed()) return encoder.encode(value);
    return tagged(TAG_UTF16, Buffer.from(value, 'utf16le'));
  }
  if (value instanceof Uint8Array) return tagged(TAG_BYTES, value);
  if (value === undefined) {
    throw new StateError(
      'ERR_STATE_INVALID_VALUE',
      `[${SOURCE}] cannot store undefined under key ${JSON.stringify(key)} (use delete())`,
    );
  }
  try {
    return tagged(TAG_JSON, jsonCodec.encode(value));
  } catch (err) {
    throw serializationError(key, 'encode', err);
  }
}

/** A Buffer on its own memory (not Node's shared pool) holding a copy of `bytes`. */
function ownBuffer(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafeSlow(bytes.byteLength);
  out.set(bytes);
  return out;
}

/**
 * The value that {@link encodeValue} stored as `bytes`. Bytes that are neither UTF-8 text nor
 * tagged (written by something else) fail with `ERR_STATE_SERIALIZATION` naming `key`.
 */
export function decodeValue(key: string, bytes: Uint8Array): unknown {
  if (bytes[0] !== MARK) {
    try {
      return strictUtf8.decode(bytes);
    } catch (err) {
      throw serializationError(key, 'decode (not UTF-8 text nor a tagged value)', err);
    }
  }
  const body = bytes.subarray(2);
  switch (bytes[1]) {
    case TAG_BYTES:
      return ownBuffer(body);
    case TAG_UTF16:
      if (body.byteLength % 2 === 0) return ownBuffer(body).toString('utf16le');
      break;
    case TAG_JSON:
      try {
        return jsonCodec.decode(body);
      } catch (err) {
        throw serializationError(key, 'decode', err);
      }
  }
  throw serializationError(key, 'decode (unknown tag)');
}
