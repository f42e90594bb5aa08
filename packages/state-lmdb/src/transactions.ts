/**
 * Read-modify-write operations. Each body runs inside one LMDB write transaction (lmdb-js
 * `transaction`), which holds LMDB's cross-process write lock: reads inside see the latest
 * commit of every process, and the body's writes commit together or not at all. Bodies
 * validate and throw before their first write, so a rejected call writes nothing.
 */
import {
  addCounter,
  assertKey,
  assertValue,
  decodeCounter,
  type Entry,
  encodeCounter,
  equalBytes,
  resolveTtl,
  validateEntries,
} from '@pforge/state-core';
import type { Environment } from './environment.js';
import { SOURCE } from './options.js';
import {
  allocateRecord,
  type ExpiryPlan,
  isLive,
  keepExpiry,
  planExpiry,
  recordBucket,
  recordBytes,
  recordExpiresAt,
  setHeader,
  viewValue,
  writeRecord,
} from './record.js';

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

/**
 * Writes a record, and its expiry-index entry first when the plan needs a new one. Index
 * entries are removed only by the sweep once due (a stale one is harmless: the sweep checks
 * the record), so a write never touches older index entries. `value` is copied into the new
 * record before anything is written, so it may be a view of a stored record (which the
 * first write of a transaction may invalidate).
 */
export function putRecord(
  env: Environment,
  full: string,
  value: Uint8Array,
  plan: ExpiryPlan,
): Promise<boolean> {
  return putEncoded(env, full, allocateRecord(value, plan.expiresAt !== 0), plan);
}

/** {@link putRecord} of a record made by `allocateRecord(value, plan.expiresAt !== 0)`: sets its header. */
function putEncoded(
  env: Environment,
  full: string,
  record: Buffer,
  plan: ExpiryPlan,
): Promise<boolean> {
  if (plan.expiresAt !== 0) setHeader(record, plan);
  if (plan.index) env.expiry.put({ expiresAt: plan.bucket, key: full }, EMPTY);
  return env.records.put(full, record);
}

/**
 * Runs `body` in one synchronous write transaction and resolves its result after the commit.
 * Synchronous on purpose: with lmdb-js 3.5's asynchronous `transaction()` callbacks, a stress
 * test of 4 processes × 500 increments lost a whole batch of 10 increments in about one run of
 * ten (every promise resolved); with `transactionSync` it was exact in every run. The cost: a
 * read-modify-write holds the main thread for its commit instead of sharing a batched one.
 */
export function inTransaction<T>(env: Environment, body: () => T): Promise<T> {
  try {
    return Promise.resolve(env.records.transactionSync(body) as T);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** `increment`: `ttlMs` applies only when the key is created. */
export function increment(
  env: Environment,
  full: string,
  key: string,
  delta: number,
  ttlMs: number | undefined,
): Promise<number> {
  return inTransaction(env, () => {
    const now = Date.now();
    const cur = read(env, full, now);
    const n = addCounter(decodeCounter(cur.value, key, SOURCE), delta, key, SOURCE);
    const plan = cur.value === undefined ? planExpiry(ttlMs, now, cur.bucket) : cur.kept;
    putRecord(env, full, encodeCounter(n), plan);
    return n;
  });
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
): Promise<boolean> {
  return inTransaction(env, () => {
    const now = Date.now();
    const cur = read(env, full, now);
    const matches =
      expected === undefined
        ? cur.value === undefined
        : cur.value !== undefined && equalBytes(cur.value, expected);
    if (!matches) return false;
    if (next !== undefined) putEncoded(env, full, next, planExpiry(ttlMs, now, cur.bucket));
    else if (cur.value !== undefined || cur.expiresAt !== 0) env.records.remove(full);
    return true;
  });
}

/** `delete`: true when a live record was removed (an expired one is removed too). */
export function remove(env: Environment, full: string): Promise<boolean> {
  return inTransaction(env, () => {
    const record = env.records.getBinaryFast(full);
    if (record === undefined) return false;
    const live = isLive(recordExpiresAt(record), Date.now());
    env.records.remove(full);
    return live;
  });
}

/** `expire`: sets (`ttlMs`) or clears (`undefined`) the expiry of a live key. */
export function expire(
  env: Environment,
  full: string,
  ttlMs: number | undefined,
): Promise<boolean> {
  return inTransaction(env, () => {
    const now = Date.now();
    const cur = read(env, full, now);
    if (cur.value === undefined) return false;
    putRecord(env, full, cur.value, planExpiry(ttlMs, now, cur.bucket));
    return true;
  });
}

/** A validated, encoded `setMany` batch, as parallel arrays. */
export interface Batch {
  /** Full keys (namespace prefix + key). */
  keys: string[];
  /** Encoded records; their headers are filled in by {@link setMany}. */
  records: Buffer[];
  /** TTL of each entry in ms, or `undefined` for none. */
  ttls: (number | undefined)[];
}

/**
 * Validates a whole `setMany` batch (in order, as core's `validateEntries`, whose messages
 * it reuses) and encodes it, so copies it, before anything is written. The transaction fills
 * in each record's header.
 */
export function encodeBatch(entries: unknown, ns: string): Batch {
  if (!Array.isArray(entries)) validateEntries(entries, SOURCE);
  const list = entries as readonly unknown[];
  const batch: Batch = { keys: [], records: [], ttls: [] };
  const values: Uint8Array[] = [];
  let total = 0;
  for (const e of list) {
    if (typeof e !== 'object' || e === null) validateEntries(entries, SOURCE);
    const { key, value } = e as Entry;
    assertKey(key, SOURCE);
    assertValue(value, key, SOURCE);
    const ttl = resolveTtl(e, key, SOURCE);
    batch.ttls.push(ttl);
    batch.keys.push(ns + key);
    values.push(value);
    total += recordBytes(value, ttl !== undefined);
  }
  // One allocation for the whole batch; each record is a slice of it.
  const block = Buffer.allocUnsafeSlow(total);
  let at = 0;
  for (let i = 0; i < values.length; i++) {
    const expiring = batch.ttls[i] !== undefined;
    const size = recordBytes(values[i]!, expiring);
    batch.records.push(writeRecord(block.subarray(at, at + size), values[i]!, expiring));
    at += size;
  }
  return batch;
}

/** `setMany`: every entry in one transaction; records come encoded, their headers are set here. */
export function setMany(env: Environment, batch: Batch): Promise<void> {
  return inTransaction(env, () => {
    const now = Date.now();
    const { keys, records, ttls } = batch;
    for (let i = 0; i < keys.length; i++) {
      const full = keys[i]!;
      const record = records[i]!;
      const ttlMs = ttls[i];
      const old = ttlMs === undefined ? undefined : env.records.getBinaryFast(full);
      putEncoded(
        env,
        full,
        record,
        planExpiry(ttlMs, now, old === undefined ? 0 : recordBucket(old)),
      );
    }
  });
}

/** `deleteMany`: every key in one transaction; resolves how many live keys were removed. */
export function deleteMany(env: Environment, fullKeys: ReadonlySet<string>): Promise<number> {
  return inTransaction(env, () => {
    const now = Date.now();
    let n = 0;
    for (const full of fullKeys) {
      const record = env.records.getBinaryFast(full);
      if (record === undefined) continue;
      if (isLive(recordExpiresAt(record), now)) n++;
      env.records.remove(full);
    }
    return n;
  });
}

/** One step of `clear`: removes up to `limit` records under `prefix`; `more` when it hit the limit. */
export function clearStep(
  env: Environment,
  prefix: string,
  limit: number,
): Promise<{ removed: number; more: boolean }> {
  return inTransaction(env, () => {
    const now = Date.now();
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
  });
}
