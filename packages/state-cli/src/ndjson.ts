import { isValidKey, MAX_VALUE_BYTES } from '@pforge/state-core';
import { isBase64, toBase64 } from './encoding.js';

/**
 * One live key as `dump` writes it and `restore` reads it: one JSON object per line,
 * `{ "key": string, "value": base64, "expiresAt": epoch-ms | null }`.
 */
export interface DumpEntry {
  /** The key, without the namespace. */
  key: string;
  /** The stored bytes. */
  value: Uint8Array;
  /** When the key expires, in epoch milliseconds, or `null` for never. */
  expiresAt: number | null;
}

const FIELDS = new Set(['key', 'value', 'expiresAt']);

/** The NDJSON line of `entry`, newline included. */
export function formatLine(entry: DumpEntry): string {
  return `{"key":${JSON.stringify(entry.key)},"value":"${toBase64(entry.value)}","expiresAt":${entry.expiresAt}}\n`;
}

/** What {@link parseLine} returns: an entry, nothing for a blank line, or what is wrong. */
export type ParsedLine = { entry: DumpEntry } | { blank: true } | { error: string };

/**
 * Reads one NDJSON line of a dump. A blank line is skipped; anything else that is not exactly
 * `{ key, value, expiresAt }` with a valid key, canonical base64 of at most core's
 * `MAX_VALUE_BYTES`, and a whole epoch-ms or `null` is an error saying what is wrong (the
 * line's content is not quoted: it may be private).
 */
export function parseLine(line: string): ParsedLine {
  if (line.trim() === '') return { blank: true };
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return { error: 'not valid JSON' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { error: 'not a JSON object' };
  }
  const o = data as Record<string, unknown>;
  const extra = Object.keys(o).find((k) => !FIELDS.has(k));
  if (extra !== undefined) return { error: `unexpected field ${JSON.stringify(extra)}` };
  if (!isValidKey(o.key)) return { error: '`key` must be a string of 1 to 1024 UTF-8 bytes' };
  if (typeof o.value !== 'string' || !isBase64(o.value)) {
    return { error: '`value` must be a base64 string' };
  }
  // Decoded size from the length, before decoding anything large.
  if ((o.value.length / 4) * 3 > MAX_VALUE_BYTES + 2) {
    return { error: `\`value\` is larger than ${MAX_VALUE_BYTES} bytes` };
  }
  const at = o.expiresAt;
  if (at !== null && !(typeof at === 'number' && Number.isSafeInteger(at) && at >= 0)) {
    return { error: '`expiresAt` must be a whole number of epoch milliseconds or null' };
  }
  const value = Buffer.from(o.value, 'base64');
  if (value.byteLength > MAX_VALUE_BYTES) {
    return { error: `\`value\` is larger than ${MAX_VALUE_BYTES} bytes` };
  }
  return { entry: { key: o.key, value, expiresAt: at } };
}
