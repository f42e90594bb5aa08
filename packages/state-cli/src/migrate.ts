import type { StateManager } from '@pforge/state-core';
import { noCounts, type WriteCounts, type WriteFailure, writeBatch } from './batch.js';
import { noProgress, type Progress } from './progress.js';
import { countForProgress, readEntries, readLive } from './reader.js';

/** Options of {@link migrateState}. */
export interface MigrateOptions {
  /** Copy only keys that start with this. @default '' (every key of the source namespace) */
  prefix?: string;
  /** Keys read and written per batch; each batch is one atomic `setMany`. @default 1000 */
  batchSize?: number;
  /** Compare source and target afterwards (bytes and expiry). @default false */
  verify?: boolean;
  /** Stops after the batch in flight once aborted. */
  signal?: AbortSignal;
  /** Shows keys done of keys listed. @default no display */
  progress?: Progress;
  /** Count the source keys first (concurrently, listing only) so `progress` shows an ETA. @default false */
  countTotal?: boolean;
}

/** What {@link verifyCopy} found. */
export interface VerifySummary {
  /** Live source keys compared. */
  checked: number;
  /** Keys missing in the target, or with other bytes or another expiry. */
  mismatched: number;
  /** The first (at most 10) mismatched keys. */
  keys: string[];
}

/** The result of {@link migrateState}. */
export interface MigrateSummary {
  /** Source keys listed. */
  listed: number;
  /** Keys written to the target. */
  copied: number;
  /** Keys the target already held with equal bytes. */
  skipped: number;
  /** Keys that expired or vanished from the source before they could be copied. */
  expired: number;
  /** Keys the target refused (see `failures`). */
  failed: number;
  /** The first (at most 10) keys the target refused. */
  failures: WriteFailure[];
  /** Stopped by the signal; every batch counted was written in full. */
  interrupted: boolean;
  /** Time taken, in ms. */
  elapsedMs: number;
  /** Present when `verify` was asked and the copy was not interrupted. */
  verify?: VerifySummary;
}

/**
 * Copies the live keys of `from` (optionally under a prefix) to `to`, with their remaining
 * TTLs, in atomic batches, in constant memory. Re-runnable: a key the target already holds
 * with equal bytes is skipped; one with other bytes is replaced (when the target holds no key
 * under the prefix at the start, every key is written without that check). Keys that expire or vanish
 * meanwhile are counted as expired, keys the target refuses as failed.
 * @example const summary = await migrateState(lmdb, redis, { prefix: 'user:' });
 */
export async function migrateState(
  from: StateManager,
  to: StateManager,
  options: MigrateOptions = {},
): Promise<MigrateSummary> {
  const started = Date.now();
  const progress = options.progress ?? noProgress;
  const counts: WriteCounts = noCounts();
  const failures: WriteFailure[] = [];
  let listed = 0;
  const counting = options.countTotal
    ? countForProgress(from, options.prefix, progress, options.signal)
    : undefined;
  try {
    // Into an empty target (nothing under the prefix) no key can be equal: skip the check.
    const mode = (await isEmpty(to, options.prefix)) ? 'overwrite' : 'if-different';
    const chunks = readLive(from, {
      ...readOptions(options),
      chunkSize: options.batchSize ?? 1000,
    });
    for await (const chunk of chunks) {
      await writeBatch(to, chunk.entries, mode, counts, failures);
      listed += chunk.listed;
      counts.expired += chunk.listed - chunk.entries.length;
      progress.update(listed);
    }
  } finally {
    await counting?.stop();
  }
  const { written: copied, skipped, expired, failed } = counts;
  const interrupted = options.signal?.aborted === true;
  const summary: MigrateSummary = {
    listed,
    copied,
    skipped,
    expired,
    failed,
    failures,
    interrupted,
    elapsedMs: 0,
  };
  if (options.verify && !interrupted) summary.verify = await verifyCopy(from, to, options);
  summary.elapsedMs = Date.now() - started;
  return summary;
}

/** How long migrate looks for a first target key before it assumes some exist, in ms. */
const EMPTY_PROBE_MS = 100;

/**
 * Whether `state` holds no key under `prefix`, answered within {@link EMPTY_PROBE_MS}: a
 * listing that takes longer (a large shared Redis scanned for an absent prefix) counts as
 * "not empty", which only keeps the per-batch check on.
 */
async function isEmpty(state: StateManager, prefix: string | undefined): Promise<boolean> {
  const it = state.keys(prefix ? { prefix } : undefined)[Symbol.asyncIterator]();
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<'slow'>((resolve) => {
    timer = setTimeout(() => resolve('slow'), EMPTY_PROBE_MS);
  });
  try {
    const first = await Promise.race([it.next(), slow]);
    return first !== 'slow' && first.done === true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    it.return?.()?.catch(() => undefined);
  }
}

function readOptions(o: MigrateOptions): { prefix?: string; signal?: AbortSignal } {
  return {
    ...(o.prefix ? { prefix: o.prefix } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  };
}

// Expiries read from two stores at two moments differ by the reads' round trips.
const EXPIRY_SLACK_MS = 2000;

function sameEntry(a: { value: Uint8Array; expiresAt: number | null }, b?: typeof a): boolean {
  if (b === undefined || !Buffer.from(a.value).equals(b.value)) return false;
  if (a.expiresAt === null || b.expiresAt === null) return a.expiresAt === b.expiresAt;
  return Math.abs(a.expiresAt - b.expiresAt) <= EXPIRY_SLACK_MS;
}

/**
 * Compares every live key of `from` (under `options.prefix`) with `to`: same bytes, and the
 * same expiry within two seconds (or both none). A key that is about to expire and is already
 * gone from the target counts as equal.
 */
export async function verifyCopy(
  from: StateManager,
  to: StateManager,
  options: Pick<MigrateOptions, 'prefix' | 'batchSize' | 'signal'> = {},
): Promise<VerifySummary> {
  const result: VerifySummary = { checked: 0, mismatched: 0, keys: [] };
  const chunks = readLive(from, { ...readOptions(options), chunkSize: options.batchSize ?? 1000 });
  for await (const { entries } of chunks) {
    const theirs = await readEntries(
      to,
      entries.map((e) => e.key),
    );
    const byKey = new Map(theirs.map((e) => [e.key, e]));
    for (const e of entries) {
      result.checked++;
      const t = byKey.get(e.key);
      const expiring = e.expiresAt !== null && e.expiresAt - Date.now() < EXPIRY_SLACK_MS;
      if (sameEntry(e, t) || (t === undefined && expiring)) continue;
      result.mismatched++;
      if (result.keys.length < 10) result.keys.push(e.key);
    }
  }
  return result;
}
