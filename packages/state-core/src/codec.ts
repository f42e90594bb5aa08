import { StateError } from './errors.js';

/**
 * Turns values of type `T` into stored bytes and back. Either function may throw; a typed
 * view turns the failure into `ERR_STATE_SERIALIZATION` naming the key.
 * @example
 * const upper: Codec<string> = {
 *   name: 'upper',
 *   encode: (s) => new TextEncoder().encode(s.toUpperCase()),
 *   decode: (b) => new TextDecoder().decode(b),
 * };
 */
export interface Codec<T> {
  /** A short name shown in error messages. @example 'json' */
  readonly name?: string;
  /** The bytes to store for `value`. */
  readonly encode: (value: T) => Uint8Array;
  /** The value stored as `bytes`. */
  readonly decode: (bytes: Uint8Array) => T;
}

// A tagged value is an object whose only keys are `$t` (the tag) and maybe `v`. A user object
// that itself has a `$t` key is written under the `Object` tag, so decoding is unambiguous
// and every value without special types stays plain JSON.
const TAG = '$t';
const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function fail(message: string, cause?: unknown): never {
  throw new StateError(
    'ERR_STATE_SERIALIZATION',
    `[@pforge/state-core] ${message}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Runs `fn`, turning an engine error (a stack overflow on deep nesting) into ours. */
function guard<T>(what: 'encode' | 'decode', fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof StateError) throw err;
    return fail(
      `cannot ${what} the value as JSON (${err instanceof RangeError ? 'nested too deeply' : 'engine error'})`,
      err,
    );
  }
}

function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    // The engine's message quotes the input, which may be private: say less.
    return fail('the bytes are not valid JSON', err);
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch (err) {
    return fail('the bytes are not valid UTF-8', err);
  }
}

function tagged(tag: string, v?: Json): Json {
  return v === undefined ? { [TAG]: tag } : { [TAG]: tag, v };
}

function toJson(value: unknown, stack: Set<object>): Json {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (Number.isFinite(value)) return Object.is(value, -0) ? tagged('number', '-0') : value;
      return tagged('number', String(value));
    case 'bigint':
      return tagged('bigint', value.toString());
    case 'undefined':
      return tagged('undefined');
    case 'function':
    case 'symbol':
      return fail(`a ${typeof value} cannot be encoded as JSON`);
  }
  if (value === null) return null;
  const obj = value as object;
  if (stack.has(obj)) fail('a value with a reference cycle cannot be encoded as JSON');
  stack.add(obj);
  try {
    return objectToJson(obj, stack);
  } finally {
    stack.delete(obj);
  }
}

function objectToJson(obj: object, stack: Set<object>): Json {
  if (obj instanceof Uint8Array)
    return tagged(
      'bytes',
      Buffer.from(obj.buffer, obj.byteOffset, obj.byteLength).toString('base64'),
    );
  if (obj instanceof Date) {
    const ms = obj.getTime();
    return tagged('Date', Number.isNaN(ms) ? null : obj.toISOString());
  }
  if (obj instanceof Map)
    return tagged(
      'Map',
      [...obj].map(([k, v]) => [toJson(k, stack), toJson(v, stack)]),
    );
  if (obj instanceof Set)
    return tagged(
      'Set',
      [...obj].map((v) => toJson(v, stack)),
    );
  if (Array.isArray(obj)) return obj.map((v) => toJson(v, stack));
  if (ArrayBuffer.isView(obj) || obj instanceof ArrayBuffer) {
    fail(`a ${obj.constructor.name} cannot be encoded as JSON (use a Uint8Array)`);
  }
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return toJson(toJSON.call(obj), stack);
  const out: { [key: string]: Json } = {};
  const entries: [string, Json][] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue; // as JSON.stringify does: an absent property
    const j = toJson(v, stack);
    entries.push([k, j]);
    Object.defineProperty(out, k, {
      value: j,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return Object.hasOwn(obj, TAG) ? tagged('Object', entries) : out;
}

function fromJson(json: Json): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return json.map(fromJson);
  if (!Object.hasOwn(json, TAG)) {
    return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, fromJson(v)]));
  }
  return fromTagged(json[TAG], json.v);
}

function fromTagged(tag: Json | undefined, v: Json | undefined): unknown {
  switch (tag) {
    case 'undefined':
      return undefined;
    case 'number':
      if (v === 'NaN' || v === 'Infinity' || v === '-Infinity' || v === '-0') return Number(v);
      break;
    case 'bigint':
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
      break;
    case 'Date':
      if (v === null) return new Date(Number.NaN);
      if (typeof v === 'string') return new Date(v);
      break;
    case 'bytes':
      if (typeof v === 'string') return new Uint8Array(Buffer.from(v, 'base64'));
      break;
    case 'Map':
      if (Array.isArray(v)) return new Map(v.map((e) => pair(e, fromJson)));
      break;
    case 'Set':
      if (Array.isArray(v)) return new Set(v.map(fromJson));
      break;
    case 'Object':
      if (Array.isArray(v)) return Object.fromEntries(v.map((e) => pair(e, objectKey)));
      break;
  }
  return fail(`unknown or malformed tagged value ${JSON.stringify(String(tag)).slice(0, 40)}`);
}

function objectKey(k: Json): string {
  return typeof k === 'string' ? k : fail('malformed key in a tagged Object');
}

function pair(e: Json, key: (k: Json) => unknown): [unknown, unknown] {
  if (!Array.isArray(e) || e.length !== 2) fail('malformed entry in a tagged Map or Object');
  return [key(e[0]!), fromJson(e[1]!)];
}

/**
 * JSON that keeps what plain JSON loses: `Date` (also invalid ones), `BigInt`, `Uint8Array`
 * (a `Buffer` decodes as a `Uint8Array`), `Map`, `Set`, `undefined` in arrays and maps, `NaN`,
 * `±Infinity` and `-0`, nested to any depth. Such values are written as `{"$t": tag, "v": ...}`;
 * everything else is plain JSON, byte for byte what `JSON.stringify` writes (objects with a
 * `toJSON` method are encoded by it; other class instances as their own enumerable
 * properties). Functions, symbols, reference cycles and typed arrays other than `Uint8Array`
 * fail to encode. Without a schema, the type of a decoded value is trusted, not checked.
 * @example
 * const bytes = jsonCodec.encode({ at: new Date(), tags: new Set(['a']) });
 */
export const jsonCodec: Codec<unknown> = Object.freeze({
  name: 'json',
  encode: (value: unknown): Uint8Array =>
    guard('encode', () => encoder.encode(JSON.stringify(toJson(value, new Set())))),
  decode: (bytes: Uint8Array): unknown => {
    const text = decodeUtf8(bytes);
    const json = parseJson(text);
    // Fast path: only text holding a tag (possibly written with \u escapes) needs reviving.
    return text.includes(TAG) || text.includes('\\u')
      ? guard('decode', () => fromJson(json))
      : json;
  },
});

/**
 * UTF-8 text. Encoding a string with a lone surrogate, or decoding bytes that are not valid
 * UTF-8, fails rather than silently substituting U+FFFD. A byte-order mark is kept.
 * @example await typed(state, textCodec, { prefix: 'note:' }).set('a', 'héllo');
 */
export const textCodec: Codec<string> = Object.freeze({
  name: 'text',
  encode: (value: string): Uint8Array => {
    if (typeof value !== 'string')
      fail(`the text codec encodes strings only (got ${typeof value})`);
    if (!value.isWellFormed()) fail('the string has a lone surrogate, which UTF-8 cannot hold');
    return encoder.encode(value);
  },
  decode: (bytes: Uint8Array): string => decodeUtf8(bytes),
});

/**
 * Raw bytes, stored as given (a copy: the stored value never aliases the caller's array).
 * @example await typed(state, bytesCodec, { prefix: 'blob:' }).set('a', new Uint8Array([1]));
 */
export const bytesCodec: Codec<Uint8Array> = Object.freeze({
  name: 'bytes',
  encode: (value: Uint8Array): Uint8Array => {
    if (!(value instanceof Uint8Array)) fail('the bytes codec encodes Uint8Arrays only');
    return new Uint8Array(value);
  },
  decode: (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes),
});
