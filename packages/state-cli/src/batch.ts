import { type Entry, isStateError, type StateManager } from '@pforge/state-core';
import { equalBytes } from '@pforge/state-core/backend';
import type { DumpEntry } from './ndjson.js';

/**
 * What to do with a key that already holds a value in the target:
 * - `if-absent`: leave it;
 * - `overwrite`: replace it;
 * - `if-different`: leave it when its bytes are equal (migrate's re-run rule), else replace it.
 */
export type WriteMode = 'if-absent' | 'overwrite' | 'if-different';

/** Counts of one or more written batches. */
export interface WriteCounts {
  /** Entries written. */
  written: number;
  /** Entries left alone because the target already held the key (or the same bytes). */
  skipped: number;
  /** Entries whose expiry had passed before they could be written. */
  expired: number;
  /** Entries the target refused (each retried alone first). */
  failed: number;
}

/** A key the target refused. */
export interface WriteFailure {
  key: string;
  code: string;
  message: string;
}

/** Zeroed {@link WriteCounts}. */
export const noCounts = (): WriteCounts => ({ written: 0, skipped: 0, expired: 0, failed: 0 });

// Errors that belong to one entry (another backend's limits), not to the store.
const ENTRY_ERRORS = new Set([
  'ERR_STATE_INVALID_KEY',
  'ERR_STATE_INVALID_VALUE',
  'ERR_STATE_INVALID_TTL',
]);
const isEntryError = (err: unknown): boolean => isStateError(err) && ENTRY_ERRORS.has(err.code);

async function plan(
  target: StateManager,
  entries: readonly DumpEntry[],
  mode: WriteMode,
  counts: WriteCounts,
): Promise<Entry[]> {
  const existing =
    mode === 'overwrite' ? undefined : await target.getMany(entries.map((e) => e.key));
  const now = Date.now();
  const out: Entry[] = [];
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const there = existing?.[i];
    if (there !== undefined && (mode === 'if-absent' || equalBytes(there, e.value))) {
      counts.skipped++;
    } else if (e.expiresAt === null) {
      out.push({ key: e.key, value: e.value });
    } else if (e.expiresAt - now >= 1) {
      out.push({ key: e.key, value: e.value, ttl: e.expiresAt - now });
    } else {
      counts.expired++;
    }
  }
  return out;
}

/**
 * Writes one batch to `target` with one atomic `setMany`, keeping each entry's remaining TTL
 * and skipping entries already expired. When the target refuses the batch for one entry's
 * sake (a key, value or TTL beyond its limits), each entry is retried alone and the refused
 * ones are counted as failed; any other error (store unavailable, closed) is thrown, and the
 * batch was then written in full or not at all.
 */
export async function writeBatch(
  target: StateManager,
  entries: readonly DumpEntry[],
  mode: WriteMode,
  counts: WriteCounts,
  failures: WriteFailure[],
): Promise<void> {
  const batch = await plan(target, entries, mode, counts);
  if (batch.length === 0) return;
  try {
    await target.setMany(batch);
    counts.written += batch.length;
    return;
  } catch (err) {
    if (!isEntryError(err)) throw err;
  }
  for (const e of batch) {
    try {
      await target.set(e.key, e.value, e.ttl === undefined ? undefined : { ttl: e.ttl });
      counts.written++;
    } catch (err) {
      if (!isEntryError(err) || !isStateError(err)) throw err;
      counts.failed++;
      if (failures.length < 10) failures.push({ key: e.key, code: err.code, message: err.message });
    }
  }
}
