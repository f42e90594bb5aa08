import { failure, usageError } from './errors.js';

/** How values are shown and read on the command line. */
export const ENCODINGS = ['utf8', 'json', 'hex', 'base64'] as const;

/** One of {@link ENCODINGS}. */
export type Encoding = (typeof ENCODINGS)[number];

/** A value rendered for output. */
export interface RenderedValue {
  /** The encoding used (the default picks `utf8` for valid UTF-8, else `base64`). */
  encoding: Encoding;
  /** The text to print. */
  text: string;
  /** For `json`: the parsed value, embedded as is in `--json` output. */
  json?: unknown;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const HEX = /^(?:[0-9a-fA-F]{2})*$/;
// One character class, no groups: linear on a 22 MB line (a grouped pattern overflows the
// regex engine's stack there).
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whether `text` is padded base64 (the NDJSON `value` field and `--encoding base64`). */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64.test(text);
}

/** The bytes of `value` as base64, without copying. */
export function toBase64(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Renders stored bytes in `encoding`, or (when absent) as UTF-8 text when the bytes are valid
 * UTF-8 and as base64 otherwise. Bytes that are not valid in an explicit `utf8` or `json`
 * encoding are `ERR_STATE_SERIALIZATION` naming `key`.
 */
export function renderValue(
  key: string,
  bytes: Uint8Array,
  encoding: Encoding | undefined,
): RenderedValue {
  if (encoding === 'hex') return { encoding, text: Buffer.from(bytes).toString('hex') };
  if (encoding === 'base64') return { encoding, text: toBase64(bytes) };
  const text = utf8(bytes);
  if (text === undefined) {
    if (encoding === undefined) return { encoding: 'base64', text: toBase64(bytes) };
    throw failure(
      'ERR_STATE_SERIALIZATION',
      `the value of key ${JSON.stringify(key)} is not valid UTF-8: show it with --encoding base64 or hex`,
    );
  }
  if (encoding !== 'json') return { encoding: 'utf8', text };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw failure(
      'ERR_STATE_SERIALIZATION',
      `the value of key ${JSON.stringify(key)} is not JSON: show it with --encoding utf8`,
    );
  }
  return { encoding, text: JSON.stringify(json, null, 2), json };
}

/**
 * The bytes to store for `input` given in `encoding` (default `utf8`). Text input is taken as
 * written; bytes read from stdin are stored as they are for `utf8` and decoded (surrounding
 * whitespace ignored) for the others. Input that is not valid in its encoding is a usage
 * error.
 */
export function parseValue(input: string | Uint8Array, encoding: Encoding = 'utf8'): Uint8Array {
  if (encoding === 'utf8') {
    return typeof input === 'string' ? new TextEncoder().encode(input) : input;
  }
  const raw = typeof input === 'string' ? input : utf8(input);
  const text = encoding === 'json' ? raw : raw?.trim();
  if (text !== undefined) {
    if (encoding === 'hex' && HEX.test(text)) return Buffer.from(text, 'hex');
    if (encoding === 'base64' && isBase64(text)) return Buffer.from(text, 'base64');
    if (encoding === 'json') {
      try {
        return new TextEncoder().encode(JSON.stringify(JSON.parse(text)));
      } catch {
        // reported below
      }
    }
  }
  throw usageError(`the value is not valid ${encoding}`, 'ERR_STATE_INVALID_VALUE');
}
