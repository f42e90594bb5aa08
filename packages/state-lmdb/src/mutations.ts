/**
 * The write operations, as bodies that run inside a group's write transaction (see
 * `write-queue.ts`): synchronous, given the group's clock `now`, reading the latest commit of
 * every process (the transaction holds LMDB's cross-process write lock) and the writes of the
 * operations before them in the group. Each body decides first and writes last: it throws a
 * `StateError` only before its first write, so a rejected operation leaves nothing behind.
 */
import { addCounter, decodeCounter, encodeCounter, equalBytes } from '@pforge/state-core/backend';
import {
  allocateRecord,
  type ExpiryPlan,
  isLive,
  keepExpiry,
  planExpiry,
  recordBucket,
  recordExpiresAt,
  setHeader,
  viewValue,
} from './record.js';
import { SOURCE } from './source.js';
import type { Environment } from './store.js';

const EMPTY = Buffer.alloc(0);

/** What a write transaction reads at a key: the live value (a view) and the stored header. */
interface Current {
  /** The live value, or `undefined` when absent or expired. */
  value: Uint8Array | undefined;
  /** The stored expiry (`0` = none, or absent). */
  expiresAt: number;
  /** The stored sweep bucket (`0` = none, or absent). */
  bucket: number;
  /** The plan that keeps the stored expiry. */
  kept: ExpiryPlan;
}

function read(env: Environment, full: string, now: number): Current {
  const record = env.records.getBinaryFast(full);
  if (record === undefined)
    return { value: undefined, expiresAt: 0, bucket: 0, kept: planExpiry(undefined, now, 0) };
  const expiresAt = recordExpiresAt(record);
  const value = isLive(expiresAt, now) ? viewValue(record, record.length) : undefined;
  return { value, expiresAt, bucket: recordBucket(record), kept: keepExpiry(record) };
}

/** The sweep bucket of the record stored at `full` (`0` = none or absent). */
function storedBucket(env: Environment, full: string): number {
  const record = env.records.getBinaryFast(full);
  return record === undefined ? 0 : recordBucket(record);
}

/**
 * Writes `record` (made by `allocateRecord(value, plan.expiresAt !== 0)`): sets its header,
 * and writes its expiry-index entry first when the plan needs a new one. Index entries are
 * removed only by the sweep once due (a stale one is harmless: the sweep checks the record),
 * so a write never touches older index entries.
 */
function putEncoded(env: Environment, full: string, record: Buffer, plan: ExpiryPlan): void {
  if (plan.expiresAt !== 0) setHeader(record, plan);
  if (plan.index) env.expiry.put({ expiresAt: plan.bucket, key: full }, EMPTY);
  env.records.put(full, record);
}

/**
 * `set` of an encoded record. With a TTL, the stored record's bucket is read first: a key
 * re-written with a similar TTL keeps its index entry (see `planExpiry`).
 */
export function setRecord(
  env: Environment,
  full: string,
  record: Buffer,
  ttlMs: number | undefined,
  now: number,
): void {
  const old = ttlMs === undefined ? 0 : storedBucket(env, full);
  putEncoded(env, full, record, planExpiry(ttlMs, now, old));
}

/** `setMany`: every record of the batch (keys, encoded records and TTLs in parallel arrays). */
export function setRecords(
  env: Environment,
  keys: readonly string[],
  records: readonly Buffer[],
  ttls: readonly (number | undefined)[],
  now: number,
): void {
  for (let i = 0; i < keys.length; i++) setRecord(env, keys[i]!, records[i]!, ttls[i], now);
}

/** `increment`: `ttlMs` applies only when the key is created. */
export function increment(
  env: Environment,
  full: string,
  key: string,
  delta: number,
  ttlMs: number | undefined,
  now: number,
): number {
  const cur = read(env, full, now);
  const n = addCounter(decodeCounter(cur.value, key, SOURCE), delta, key, SOURCE);
  const plan = cur.value === undefined ? planExpiry(ttlMs, now, cur.bucket) : cur.kept;
  const counter = encodeCounter(n);
  putEncoded(env, full, allocateRecord(counter, plan.expiresAt !== 0), plan);
  return n;
}

/**
 * `compareAndSwap`: `next` is the record made by `allocateRecord(value, ttlMs !== undefined)`
 * at call time (the caller's bytes copied once; the header is set here), or undefined to delete.
 */
export function compareAndSwap(
  env: Environment,
  full: string,
  expected: Uint8Array | undefined,
  next: Buffer | undefined,
  ttlMs: number | undefined,
  now: number,
): boolean {
  const cur = read(env, full, now);
  const matches =
    expected === undefined
      ? cur.value === undefined
      : cur.value !== undefined && equalBytes(cur.value, expected);
  if (!matches) return false;
  if (next !== undefined) putEncoded(env, full, next, planExpiry(ttlMs, now, cur.bucket));
  else if (cur.value !== undefined || cur.expiresAt !== 0) env.records.remove(full);
  return true;
}

/** `delete`: true when a live record was removed (an expired one is removed too). */
export function remove(env: Environment, full: string, now: number): boolean {
  const record = env.records.getBinaryFast(full);
  if (record === undefined) return false;
  const live = isLive(recordExpiresAt(record), now);
  env.records.remove(full);
  return live;
}

/** `deleteMany`: resolves how many live keys were removed (each distinct key once). */
export function removeMany(env: Environment, fullKeys: ReadonlySet<string>, now: number): number {
  let n = 0;
  for (const full of fullKeys) if (remove(env, full, now)) n++;
  return n;
}

/** `expire`: sets (`ttlMs`) or clears (`undefined`) the expiry of a live key. */
export function expire(
  env: Environment,
  full: string,
  ttlMs: number | undefined,
  now: number,
): boolean {
  const cur = read(env, full, now);
  if (cur.value === undefined) return false;
  // The new record copies the value before anything is written (it is a view of the map).
  const record = allocateRecord(cur.value, ttlMs !== undefined);
  putEncoded(env, full, record, planExpiry(ttlMs, now, cur.bucket));
  return true;
}

/** One step of `clear`: removes up to `limit` records under `prefix`; `more` when it hit the limit. */
export function clearStep(
  env: Environment,
  prefix: string,
  limit: number,
  now: number,
): { removed: number; more: boolean } {
  const doomed: [string, boolean][] = [];
  for (const { key, value } of env.records.getRange({ start: prefix, limit })) {
    if (!key.startsWith(prefix)) break;
    doomed.push([key, isLive(recordExpiresAt(value), now)]);
  }
  let removed = 0;
  for (const [full, live] of doomed) {
    if (live) removed++;
    env.records.remove(full);
  }
  return { removed, more: doomed.length === limit };
}
