import type { Cluster, Redis } from 'ioredis';
import { groupBySlot } from './cluster.js';
import type { Runner } from './runner.js';
import { runScript, SET_MANY } from './scripts.js';

/** One validated write of a batch (key without the namespace). */
export interface BatchEntry {
  key: string;
  value: Uint8Array;
  ttl: number | undefined;
}

const toVoid = (): void => undefined;
/** A Buffer over the same memory as `v` (no copy). */
export const view = (v: Uint8Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
/** A fresh Buffer holding a copy of `v`. */
export const copy = (v: Uint8Array): Buffer => Buffer.from(v);

/**
 * MGET replies as returned by the parser: each Buffer is fresh memory cut from the reply (it
 * never shares memory with the store; values of one batch may share one ArrayBuffer). Not
 * copying again keeps getMany at the speed of a raw MGET.
 */
function copyAll(found: (Buffer | null)[]): (Uint8Array | undefined)[] {
  // The reply array is ours alone: turn its nulls into undefined in place.
  const out = found as (Uint8Array | null | undefined)[];
  for (let i = 0; i < out.length; i++) if (out[i] === null) out[i] = undefined;
  return out as (Uint8Array | undefined)[];
}

/** MGET, one per hash slot on a cluster (in parallel); values in the order of `keys`. */
export function getBatch(r: Runner, keys: string[]): Promise<(Uint8Array | undefined)[]> {
  r.assertOpen('getMany');
  if (keys.length === 0) return Promise.resolve([]);
  if (!r.cluster) return r.run('getMany', undefined, (c) => c.mgetBuffer(keys), copyAll);
  return getSlots(r, keys);
}

async function getSlots(r: Runner, keys: string[]): Promise<(Uint8Array | undefined)[]> {
  const out: (Uint8Array | undefined)[] = new Array(keys.length).fill(undefined);
  await Promise.all(
    groupBySlot(keys, r.cluster).map(async (idx) => {
      const found = await r.run('getMany', undefined, (c) =>
        c.mgetBuffer(idx.map((i) => keys[i]!)),
      );
      const copied = copyAll(found);
      idx.forEach((i, j) => {
        out[i] = copied[j];
      });
    }),
  );
  return out;
}

/**
 * Writes a batch atomically per hash slot (the whole batch on a standalone server): one MSET
 * when no entry has a TTL, else one SET_MANY script (SET ... PX per entry).
 */
export function setBatch(r: Runner, ns: string, entries: readonly BatchEntry[]): Promise<void> {
  r.assertOpen('setMany');
  if (entries.length === 0) return Promise.resolve();
  // MSET goes out synchronously on a ready connection, so views are safe there; a script may
  // be resent by EVAL after NOSCRIPT, and a waiting call is sent later: those get copies.
  const direct = r.readyNow() && entries.every((e) => e.ttl === undefined);
  const bytes = direct ? view : copy;
  if (!r.cluster)
    return r.run('setMany', undefined, (c) => writePart(c, ns, entries, bytes), toVoid);
  const groups = groupBySlot(
    entries.map((e) => ns + e.key),
    true,
  );
  return Promise.all(
    groups.map((idx) => {
      const part = idx.map((i) => entries[i]!);
      return r.run('setMany', undefined, (c) => writePart(c, ns, part, bytes));
    }),
  ).then(toVoid);
}

function writePart(
  c: Redis | Cluster,
  ns: string,
  part: readonly BatchEntry[],
  bytes: (v: Uint8Array) => Buffer,
): Promise<unknown> {
  const n = part.length;
  let ttls = false;
  for (const e of part) if (e.ttl !== undefined) ttls = true;
  if (!ttls) {
    const args = new Array<string | Buffer>(2 * n);
    for (let i = 0; i < n; i++) {
      args[2 * i] = ns + part[i]!.key;
      args[2 * i + 1] = bytes(part[i]!.value);
    }
    return c.mset(args);
  }
  const keys = new Array<string>(n);
  const args = new Array<string | Buffer>(2 * n);
  for (let i = 0; i < n; i++) {
    const e = part[i]!;
    keys[i] = ns + e.key;
    args[2 * i] = bytes(e.value);
    args[2 * i + 1] = e.ttl === undefined ? '' : String(e.ttl);
  }
  return runScript(c, SET_MANY, keys, args);
}

/** DEL (UNLINK for `clear`), one per hash slot; resolves how many keys were removed. */
export async function deleteBatch(
  r: Runner,
  keys: readonly string[],
  op: 'deleteMany' | 'clear' = 'deleteMany',
): Promise<number> {
  if (keys.length === 0) return 0;
  const counts = await Promise.all(
    groupBySlot(keys, r.cluster).map((idx) => {
      const part = idx.map((i) => keys[i]!);
      return r.run(op, undefined, (c) => (op === 'clear' ? c.unlink(part) : c.del(part)));
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}
