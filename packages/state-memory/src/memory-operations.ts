import {
  addCounter,
  decodeCounter,
  equalBytes,
  type StoreOperations,
} from '@pforge/state-core/backend';
import { clearPrefix, deleteMany, readMany, writeMany } from './batch.js';
import { now, nowMs } from './clock.js';
import { scanKeys } from './key-scan.js';
import type { Keyspace } from './keyspace.js';
import { NEVER } from './record.js';
import { SOURCE } from './source.js';

/** The absolute expiry of a write made now with `ttlMs` (undefined: never). */
const expiryOf = (ttlMs: number | undefined): number =>
  ttlMs === undefined ? NEVER : nowMs() + ttlMs;

/**
 * The operations of one namespace, for core's manager base. Each runs synchronously to its
 * end and returns its result (no promise), so every call is atomic and takes effect in the
 * order it was made. Arguments arrive validated; values handed in are copied into the arena,
 * values handed out are fresh exact-size copies.
 * @param onClose releases the namespace when the manager closes.
 */
export function createMemoryOperations(space: Keyspace, onClose: () => void): StoreOperations {
  const { map, arena } = space;
  return {
    get: (key) => {
      const rec = map.get(key);
      if (rec === undefined) return undefined;
      if (rec.expiresAt !== NEVER && rec.expiresAt <= now()) {
        space.drop(rec);
        return undefined;
      }
      if (space.maxEntries !== 0) space.touch(rec);
      return arena.copyOut(rec);
    },
    set: (key, value, ttlMs) => space.write(key, value, expiryOf(ttlMs)),
    delete: (key) => {
      const rec = map.get(key);
      if (rec === undefined) return false;
      space.drop(rec);
      return rec.expiresAt > now();
    },
    exists: (key) => space.live(key) !== undefined,
    getMany: (keys) => readMany(space, keys),
    setMany: (entries) => writeMany(space, entries),
    deleteMany: (keys) => deleteMany(space, keys),
    increment: (key, delta, ttlMs) => increment(space, key, delta, ttlMs),
    compareAndSwap: (key, expected, next, ttlMs) =>
      compareAndSwap(space, key, expected, next, ttlMs),
    ttl: (key) => ttlOf(space, key),
    expire: (key, ttlMs) => {
      const rec = space.live(key);
      if (rec === undefined) return false;
      space.expireAt(rec, ttlMs === null ? NEVER : nowMs() + ttlMs);
      return true;
    },
    keys: (prefix) => scanKeys(space, prefix),
    clear: (prefix) => clearPrefix(space, prefix),
    close: onClose,
    inspect: () => ({
      keys: map.size,
      expiring: space.heap.size,
      max_entries: space.maxEntries === 0 ? null : space.maxEntries,
    }),
  };
}

function compareAndSwap(
  space: Keyspace,
  key: string,
  expected: Uint8Array | undefined,
  next: Uint8Array | undefined,
  ttlMs: number | undefined,
): boolean {
  const rec = space.live(key);
  const same =
    expected === undefined
      ? rec === undefined
      : rec !== undefined && equalBytes(space.arena.view(rec), expected);
  if (!same) return false;
  if (next !== undefined) space.write(key, next, expiryOf(ttlMs));
  else if (rec !== undefined) space.drop(rec);
  return true;
}

/** Milliseconds left (at least 1), `null` without expiry, `undefined` when absent. */
function ttlOf(space: Keyspace, key: string): number | null | undefined {
  const rec = space.live(key);
  if (rec === undefined) return undefined;
  return rec.expiresAt === NEVER ? null : Math.max(1, Math.ceil(rec.expiresAt - now()));
}

/**
 * `increment`: the clock is read at most once, to check an existing key's expiry, and that
 * same reading starts the ttl of a key this call creates.
 */
function increment(space: Keyspace, key: string, delta: number, ttlMs: number | undefined): number {
  let rec = space.map.get(key);
  let t = -1;
  if (rec !== undefined && rec.expiresAt !== NEVER) {
    t = now();
    if (rec.expiresAt <= t) {
      space.drop(rec);
      rec = undefined;
    }
  }
  if (rec === undefined) {
    const next = addCounter(0, delta, key, SOURCE);
    const expiresAt = ttlMs === undefined ? NEVER : Math.floor(t < 0 ? now() : t) + ttlMs;
    space.insertCounter(key, next, expiresAt);
    return next;
  }
  // A record last written by increment keeps its number: no parse, no view.
  const current = rec.counter ?? decodeCounter(space.arena.view(rec), key, SOURCE);
  const next = addCounter(current, delta, key, SOURCE);
  space.writeCounter(rec, next); // an existing counter keeps its expiry
  return next;
}
