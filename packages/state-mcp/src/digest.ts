import { createHash } from 'node:crypto';
import { StateError } from '@pforge/state-core';
import { configure } from 'safe-stable-stringify';
import { SOURCE } from './errors.js';

// Sorted keys (UTF-16 code-unit order, as RFC 8785 sorts them) and JavaScript's own number
// formatting: for JSON values (what MCP arguments are) this is the JCS canonical form.
const stringify = configure({ deterministic: true, circularValue: Error, bigint: false });

/**
 * The canonical JSON text of `value`: object keys sorted, no whitespace, `undefined` members
 * dropped (as `JSON.stringify` does). Two values that are equal as JSON give the same text.
 * Circular values are `ERR_STATE_INVALID_ARGUMENT`.
 * @example canonicalJson({ b: 1, a: [true] }) // '{"a":[true],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = stringify(value);
  } catch (err) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${SOURCE}] the arguments cannot be written as JSON (circular or unsupported value)`,
      { cause: err },
    );
  }
  return text ?? 'null';
}

/** SHA-256 of `text` as 43 base64url characters. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/**
 * The digest of `value`'s canonical JSON (SHA-256, base64url): what an idempotency record keeps
 * to tell a retry (same arguments) from a reused key (different arguments).
 */
export function digestOf(value: unknown): string {
  return sha256(canonicalJson(value));
}

/** One opaque id for several strings (unambiguous: each part is length-prefixed). */
export function idOf(...parts: string[]): string {
  return sha256(parts.map((p) => `${p.length}:${p}`).join('\0'));
}
