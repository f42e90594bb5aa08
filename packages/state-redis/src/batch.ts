import type { Entry } from '@pforge/state-core';
import { copyIn, toValue, view } from './bytes.js';
import type { Client } from './client.js';
import { groupBySlot } from './cluster.js';
import type { Runner, Send } from './runner.js';
import { runScript, SET_MANY } from './scripts.js';

const toVoid = (): void => undefined;

/** MGET replies as values the caller owns (one exact-size copy each; `undefined` for a miss). */
function toValues(found: (Buffer | null)[]): (Uint8Array | undefined)[] {
  const out = new Array<Uint8Array | undefined>(found.length);
  for (let i = 0; i < found.length; i++) out[i] = toValue(found[i]!);
  return out;
}

/** MGET, one per hash slot on a cluster (in parallel); values in the order of `keys`. */
export function getBatch(r: Runner, keys: string[]): Promise<(Uint8Array | undefined)[]> {
  if (keys.length === 0) return Promise.resolve([]);
  if (!r.cluster) return r.run('getMany', undefined, (c) => c.mgetBuffer(keys), toValues);
  const out = new Array<Uint8Array | undefined>(keys.length).fill(undefined);
  const parts = groupBySlot(keys, true).map((idx) =>
    r
      .run('getMany', undefined, (c) => c.mgetBuffer(idx.map((i) => keys[i]!)), toValues)
      .then((values) => {
        idx.forEach((i, j) => {
          out[i] = values[j];
        });
      }),
  );
  return Promise.all(parts).then(() => out);
}

/**
 * The caller's entries as they are now, values copied: for a batch that is not written at
 * once (a cluster, or a call waiting its turn), which the caller may change meanwhile.
 */
const snapshot = (entries: readonly Entry[]): Entry[] =>
  entries.map((e) => ({ key: e.key, value: copyIn(e.value), ttl: e.ttl }));

/**
 * Writes a batch atomically per hash slot (the whole batch on a standalone server): one MSET
 * when no entry has a TTL, else one SET_MANY script (SET ... PX per entry).
 */
export function setBatch(r: Runner, ns: string, entries: readonly Entry[]): Promise<void> {
  if (entries.length === 0) return Promise.resolve();
  if (!r.cluster && r.sendsNow()) {
    // Built and written at once: MSET may send views of the caller's bytes; a script gets
    // copies, since EVALSHA is resent by EVAL after NOSCRIPT.
    const bytes = entries.every((e) => e.ttl === undefined) ? view : copyIn;
    return r.run('setMany', undefined, (c) => writePart(c, ns, entries, bytes, false), toVoid);
  }
  const own = snapshot(entries);
  if (!r.cluster) {
    return r.run('setMany', undefined, (c) => writePart(c, ns, own, view, false), toVoid);
  }
  const groups = groupBySlot(
    own.map((e) => ns + e.key),
    true,
  );
  const parts = groups.map((idx) => {
    const part = idx.map((i) => own[i]!);
    return r.run('setMany', undefined, (c) => writePart(c, ns, part, view, true));
  });
  return Promise.all(parts).then(toVoid);
}

function writePart(
  c: Client,
  ns: string,
  part: readonly Entry[],
  bytes: (v: Uint8Array) => Buffer,
  byEval: boolean,
): Promise<unknown> {
  const n = part.length;
  if (part.every((e) => e.ttl === undefined)) {
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
  return runScript(c, SET_MANY, keys, args, byEval);
}

/** DEL (UNLINK for `clear`), one per hash slot; resolves how many keys were removed. */
export async function deleteBatch(
  send: Send,
  cluster: boolean,
  keys: readonly string[],
  op: 'deleteMany' | 'clear' = 'deleteMany',
): Promise<number> {
  if (keys.length === 0) return 0;
  const counts = await Promise.all(
    groupBySlot(keys, cluster).map((idx) => {
      const part = idx.map((i) => keys[i]!);
      return send(op, undefined, (c) => (op === 'clear' ? c.unlink(part) : c.del(part)));
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}
