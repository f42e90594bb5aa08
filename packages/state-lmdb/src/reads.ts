/**
 * The read operations, as plain functions of the environment and a clock `now`. They run
 * either on their own (a read snapshot renewed by `env.fresh()`) or, when writes are waiting
 * in the queue, as a body inside the next group's write transaction, where they see those
 * writes (issue order). Values come out as fresh, exact-size copies.
 */

import { copyValue, isLive, recordExpiresAt } from './record.js';
import type { Environment } from './store.js';

/** The live record at `full` (a buffer valid until the next read), or `undefined`. */
function liveRecord(env: Environment, full: string, now: number): Uint8Array | undefined {
  const record = env.records.getBinaryFast(full);
  return record === undefined || !isLive(recordExpiresAt(record), now) ? undefined : record;
}

/** `get`: a copy of the live value at `full`. */
export function readValue(env: Environment, full: string, now: number): Uint8Array | undefined {
  const record = liveRecord(env, full, now);
  return record === undefined ? undefined : copyValue(record, record.length);
}

/** `getMany`: copies of the live values of `fullKeys`, in order. */
export function readValues(
  env: Environment,
  fullKeys: readonly string[],
  now: number,
): (Uint8Array | undefined)[] {
  const out = new Array<Uint8Array | undefined>(fullKeys.length);
  for (let i = 0; i < fullKeys.length; i++) out[i] = readValue(env, fullKeys[i]!, now);
  return out;
}

/** `exists`. */
export function isPresent(env: Environment, full: string, now: number): boolean {
  return liveRecord(env, full, now) !== undefined;
}

/** `ttl`: ms left (at least 1), `null` for no expiry, `undefined` when absent. */
export function timeLeft(env: Environment, full: string, now: number): number | null | undefined {
  const record = liveRecord(env, full, now);
  if (record === undefined) return undefined;
  const expiresAt = recordExpiresAt(record);
  return expiresAt === 0 ? null : Math.max(1, expiresAt - now);
}

/** One page of a key walk: the live keys found, and the last key seen when there may be more. */
export interface KeysPage {
  live: string[];
  last: string | undefined;
}

/** Up to `limit` records from `start` (inclusive) that start with `prefix`. */
export function keysPage(
  env: Environment,
  prefix: string,
  start: string,
  limit: number,
  now: number,
): KeysPage {
  const live: string[] = [];
  let seen = 0;
  let last: string | undefined;
  for (const { key, value } of env.records.getRange({ start, limit })) {
    if (!key.startsWith(prefix)) return { live, last: undefined };
    seen++;
    last = key;
    if (isLive(recordExpiresAt(value), now)) live.push(key);
  }
  return { live, last: seen === limit ? last : undefined };
}
