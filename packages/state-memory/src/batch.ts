/**
 * The bodies of `getMany` and `setMany`: one pass over the batch each, one clock reading per
 * batch at most, one array per call.
 */
import {
  assertKeys,
  type Entry,
  isValidKey,
  isValidTtl,
  isValidValue,
  validateEntries,
} from '@pforge/state-core';
import { batchBytes } from './arena.js';
import { now, nowMs } from './clock.js';
import { NEVER, type Rec, type Space } from './memory-store.js';
import { SOURCE } from './options.js';

/** The quick, allocation-free check of a `setMany` batch. */
const isValidBatch = (entries: unknown): entries is readonly Entry[] => {
  if (!Array.isArray(entries)) return false;
  for (let i = 0; i < entries.length; i++) {
    const e: unknown = entries[i];
    if (typeof e !== 'object' || e === null) return false;
    const { key, value, ttl } = e as Entry;
    if (!isValidKey(key) || !isValidValue(value)) return false;
    if (ttl !== undefined && !isValidTtl(ttl)) return false;
  }
  return true;
};

/**
 * Fresh copies of the live values of `keys` in `space`, in order (`undefined` when absent or
 * expired). Throws `ERR_STATE_INVALID_ARGUMENT`/`_INVALID_KEY` for bad keys.
 */
export function readMany(space: Space, keys: readonly string[]): (Uint8Array | undefined)[] {
  const map = space.map;
  const lru = space.maxEntries !== 0;
  // Keys are checked in the lookup loop (one pass); assertKeys only builds the error. In LRU
  // mode they are all checked first, so a rejected call refreshes no key.
  if (lru || !Array.isArray(keys)) assertKeys(keys, SOURCE);
  const n = keys.length;
  // Records first, replaced in place by their copies (Arena.readMany): one array per call.
  const found: (Rec | undefined)[] = new Array(n);
  let total = 0;
  let t = -1; // the clock, read once per batch, and only if some key has an expiry
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    if (!isValidKey(key)) assertKeys(keys, SOURCE);
    let rec = map.get(key as string);
    if (rec !== undefined && rec.e !== NEVER) {
      if (t < 0) t = now();
      if (rec.e <= t) {
        space.store.drop(rec);
        rec = undefined;
      }
    }
    found[i] = rec;
    if (rec === undefined) continue;
    if (lru) space.touch(rec);
    total += batchBytes(rec.n);
  }
  return space.arena.readMany(found, total);
}

/**
 * Writes a batch to `space`, all or nothing: everything is validated before the first write
 * (core's validateEntries names the bad entry when the quick check fails); JS then runs the
 * writes without a break, so no reader ever sees the batch half-done.
 */
export function writeMany(space: Space, entries: readonly Entry[]): void {
  const batch: readonly Entry[] = isValidBatch(entries)
    ? entries
    : validateEntries(entries, SOURCE);
  let start = -1; // the clock, read once per batch, and only if some entry has a ttl
  for (let i = 0; i < batch.length; i++) {
    const { key, value, ttl } = batch[i]!;
    if (ttl !== undefined && start < 0) start = nowMs();
    space.write(key, value, ttl === undefined ? NEVER : start + ttl);
  }
}
