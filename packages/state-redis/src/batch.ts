import type { Cluster, Redis } from 'ioredis';
import { groupBySlot } from './cluster.js';
import type { Runner } from './runner.js';

/** One validated, namespaced write of a batch. */
export interface BatchWrite {
  key: string;
  value: Buffer;
  ttl: number | undefined;
}

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
  if (!r.cluster) return r.run('getMany', undefined, (c) => c.mgetBuffer(keys)).then(copyAll);
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
 * Writes a batch atomically per hash slot (the whole batch on a standalone server): MSET when
 * no entry has a TTL, else MULTI/EXEC with SET ... PX.
 */
export async function setBatch(r: Runner, entries: readonly BatchWrite[]): Promise<void> {
  if (entries.length === 0) return;
  const groups = groupBySlot(
    entries.map((e) => e.key),
    r.cluster,
  );
  await Promise.all(
    groups.map((idx) =>
      r.run('setMany', undefined, async (c) => {
        const part = idx.map((i) => entries[i]!);
        if (part.every((e) => e.ttl === undefined)) {
          await c.mset(part.flatMap((e) => [e.key, e.value]));
          return;
        }
        const tx = (c as Redis | Cluster).multi();
        for (const e of part) {
          if (e.ttl === undefined) tx.set(e.key, e.value);
          else tx.set(e.key, e.value, 'PX', e.ttl);
        }
        const results = await tx.exec();
        const failed = results?.find(([err]) => err);
        if (!results) throw new Error('MULTI/EXEC was aborted');
        if (failed) throw failed[0];
      }),
    ),
  );
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
