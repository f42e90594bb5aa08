/**
 * The LMDB engine behind a manager: one namespace's operations, taking arguments already
 * validated (keys without the namespace; values still owned by the caller, so copied here
 * before anything is kept) and returning a result or a promise of it. Values handed out are
 * fresh exact-size copies: core's `StoreOperations`, for its manager base (`createManager`),
 * plus the directory-wide `sweepExpired` and `stats`.
 *
 * Every write joins the environment's ordered queue (see `write-queue.ts`). A read runs at
 * once on a fresh snapshot when nothing waits in the queue, and otherwise joins the queue
 * too, so it sees the writes issued before it.
 */
import type { Entry } from '@pforge/state-core';
import { copyBytes, type MaybePromise } from '@pforge/state-core/backend';
import { directoryCounts, inspectEnvironment } from './inspect.js';
import { KeyWalk } from './key-walk.js';
import * as write from './mutations.js';
import * as read from './reads.js';
import { allocateRecord, recordBytes, writeRecord } from './record.js';
import type { Environment, Reading } from './store.js';
import { sweepExpired } from './sweeper.js';

const CLEAR_STEP = 1000;

/** The operations of one namespace on one environment. */
export type LmdbOperations = ReturnType<typeof createLmdbOperations>;

/** A `setMany` batch encoded (so copied) before it joins the queue, as parallel arrays. */
interface Batch {
  keys: string[];
  records: Buffer[];
  ttls: (number | undefined)[];
  bytes: number;
}

function encodeBatch(entries: readonly Entry[], ns: string): Batch {
  const batch: Batch = { keys: [], records: [], ttls: [], bytes: 0 };
  for (const { key, value, ttl } of entries) {
    batch.keys.push(ns + key);
    batch.ttls.push(ttl);
    batch.bytes += recordBytes(value, ttl !== undefined);
  }
  // One allocation for the whole batch; each record is a slice of it.
  const block = Buffer.allocUnsafeSlow(batch.bytes);
  let at = 0;
  entries.forEach(({ value }, i) => {
    const expiring = batch.ttls[i] !== undefined;
    const size = recordBytes(value, expiring);
    batch.records.push(writeRecord(block.subarray(at, at + size), value, expiring));
    at += size;
  });
  return batch;
}

/** The engine of namespace prefix `ns` (core's `namespacePrefix`) on `env`. */
export function createLmdbOperations(env: Environment, ns: string) {
  /** A read now on a fresh snapshot, or, while writes wait, after them in their group. */
  const reading: Reading = (body) => {
    if (env.queue.size > 0) return env.queue.run(body);
    env.fresh();
    return body(Date.now());
  };
  return {
    ...readOperations(env, ns, reading),
    ...writeOperations(env, ns),
    keys: (prefix: string) => new KeyWalk(env, ns + prefix, ns.length, reading),
    /** One sweep step of the whole directory (every namespace). */
    sweepExpired: (limit: number) => sweepExpired(env, limit),
    /** Entry counts of the whole directory. */
    stats: () => reading(() => directoryCounts(env)),
    /** Figures for operators (see `inspect.ts`). */
    inspect: () => reading(() => inspectEnvironment(env)),
  };
}

function readOperations(env: Environment, ns: string, reading: Reading) {
  return {
    get: (key: string) => reading((now) => read.readValue(env, ns + key, now)),
    getMany: (keys: readonly string[]) => {
      const full = keys.map((k) => ns + k);
      return reading((now) => read.readValues(env, full, now));
    },
    exists: (key: string) => reading((now) => read.isPresent(env, ns + key, now)),
    ttl: (key: string) => reading((now) => read.timeLeft(env, ns + key, now)),
  };
}

/** The writes: each copies what it keeps, then joins the queue with its body. */
function writeOperations(env: Environment, ns: string) {
  const { queue } = env;
  return {
    set(key: string, value: Uint8Array, ttlMs: number | undefined): Promise<void> {
      const full = ns + key;
      const record = allocateRecord(value, ttlMs !== undefined);
      return queue.run((now) => write.setRecord(env, full, record, ttlMs, now), record.length);
    },
    setMany(entries: readonly Entry[]): MaybePromise<void> {
      if (entries.length === 0) return undefined;
      const { keys, records, ttls, bytes } = encodeBatch(entries, ns);
      return queue.run((now) => write.setRecords(env, keys, records, ttls, now), bytes);
    },
    delete: (key: string) => queue.run((now) => write.remove(env, ns + key, now)),
    deleteMany(keys: readonly string[]): MaybePromise<number> {
      if (keys.length === 0) return 0;
      const full = new Set(keys.map((k) => ns + k));
      return queue.run((now) => write.removeMany(env, full, now));
    },
    increment(key: string, delta: number, ttlMs: number | undefined): Promise<number> {
      const full = ns + key;
      return queue.run((now) => write.increment(env, full, key, delta, ttlMs, now));
    },
    compareAndSwap(
      key: string,
      expected: Uint8Array | undefined,
      next: Uint8Array | undefined,
      ttlMs: number | undefined,
    ): Promise<boolean> {
      const full = ns + key;
      const exp = expected === undefined ? undefined : copyBytes(expected);
      const rec = next === undefined ? undefined : allocateRecord(next, ttlMs !== undefined);
      return queue.run((now) => write.compareAndSwap(env, full, exp, rec, ttlMs, now));
    },
    expire(key: string, ttlMs: number | null): Promise<boolean> {
      const full = ns + key;
      return queue.run((now) => write.expire(env, full, ttlMs ?? undefined, now));
    },
    clear: (prefix: string) => clearPrefix(env, ns + prefix),
  };
}

/** `clear`: removes the live keys under `prefix` (a full key) in steps, one per group commit. */
async function clearPrefix(env: Environment, prefix: string): Promise<number> {
  let total = 0;
  for (;;) {
    const step = await env.queue.run((now) => write.clearStep(env, prefix, CLEAR_STEP, now));
    total += step.removed;
    if (!step.more) return total;
  }
}
