/**
 * The bodies of `getMany`, `setMany` and `deleteMany`: one pass over the batch each, one
 * clock reading per batch at most. The base has validated every argument before these run,
 * so a batch is applied in one synchronous step: all or nothing, never seen half-done.
 */
import type { Entry } from '@pforge/state-core';
import { now, nowMs } from './clock.js';
import type { Keyspace } from './keyspace.js';
import { NEVER } from './record.js';

/** Fresh copies of the live values of `keys`, in order (`undefined` when absent or expired). */
export function readMany(space: Keyspace, keys: readonly string[]): (Uint8Array | undefined)[] {
  const { map, arena } = space;
  const lru = space.maxEntries !== 0;
  const n = keys.length;
  const out: (Uint8Array | undefined)[] = [];
  let t = -1; // the clock, read once per batch, and only if some key has an expiry
  for (let i = 0; i < n; i++) {
    let rec = map.get(keys[i]!);
    if (rec !== undefined && rec.expiresAt !== NEVER) {
      if (t < 0) t = now();
      if (rec.expiresAt <= t) {
        space.drop(rec);
        rec = undefined;
      }
    }
    if (rec === undefined) {
      out.push(undefined);
      continue;
    }
    if (lru) space.touch(rec);
    out.push(arena.copyOut(rec));
  }
  return out;
}

/** Writes a validated batch; the clock is read once, and only if some entry has a ttl. */
export function writeMany(space: Keyspace, entries: readonly Entry[]): void {
  let start = -1;
  for (let i = 0; i < entries.length; i++) {
    const { key, value, ttl } = entries[i]!;
    if (ttl !== undefined && start < 0) start = nowMs();
    space.write(key, value, ttl === undefined ? NEVER : start + ttl);
  }
}

/** Removes `keys` (a duplicate counts once); returns how many live keys were removed. */
export function deleteMany(space: Keyspace, keys: readonly string[]): number {
  const map = space.map;
  const t = now();
  let removed = 0;
  for (let i = 0; i < keys.length; i++) {
    const rec = map.get(keys[i]!);
    if (rec === undefined) continue;
    space.drop(rec);
    if (rec.expiresAt > t) removed++;
  }
  return removed;
}

/** Removes every key starting with `prefix`; returns how many live keys were removed. */
export function clearPrefix(space: Keyspace, prefix: string): number {
  const t = now();
  let removed = 0;
  for (const rec of space.map.values()) {
    if (prefix !== '' && !rec.key.startsWith(prefix)) continue;
    space.drop(rec);
    if (rec.expiresAt > t) removed++;
  }
  return removed;
}
