import type { StateManager } from '@pforge/state-core';
import { noCounts, type WriteCounts, type WriteFailure, writeBatch } from './batch.js';
import { failure } from './errors.js';
import { type DumpEntry, parseLine } from './ndjson.js';
import { noProgress, type Progress } from './progress.js';

/** Lines of a dump; called once per pass (restore reads its input twice). */
export type LineSource = () => AsyncIterable<string>;

/** Options of {@link restoreState}. */
export interface RestoreOptions {
  /** Keep (`if-absent`) or replace (`overwrite`) keys the store already holds. @default 'if-absent' */
  mode?: 'if-absent' | 'overwrite';
  /** Entries per batch; each batch is one atomic `setMany`. @default 1000 */
  batchSize?: number;
  /** Skip lines that are not valid dump entries (counted, first line numbers kept) instead of failing. @default false */
  skipBad?: boolean;
  /** Stops after the batch in flight once aborted. */
  signal?: AbortSignal;
  /** Shows entries done of entries in the input. @default no display */
  progress?: Progress;
  /** The result of {@link checkDump} on the same lines, when the caller checked them already. */
  checked?: DumpCheck;
}

/** The result of {@link restoreState}. */
export interface RestoreSummary extends WriteCounts {
  /** Valid entries in the input. */
  entries: number;
  /** Entries handled before the end or the interruption (written, skipped or expired). */
  done: number;
  /** Lines that are not valid dump entries (only with `skipBad`). */
  bad: number;
  /** The first (at most 10) bad line numbers, 1-based. */
  badLines: number[];
  /** The first (at most 10) keys the store refused. */
  failures: WriteFailure[];
  /** Stopped by the signal; every batch counted was written in full. */
  interrupted: boolean;
  /** Time taken, in ms. */
  elapsedMs: number;
}

/** What {@link checkDump} found: valid entries and bad lines. */
export interface DumpCheck {
  /** Valid entries. */
  entries: number;
  /** Lines that are not valid dump entries (only with `skipBad`; else the first one throws). */
  bad: number;
  /** The first (at most 10) bad line numbers, 1-based. */
  badLines: number[];
  /** Stopped by the signal before the end of the input. */
  interrupted: boolean;
}

/**
 * Reads every line of a dump and checks it, writing nothing. The first line that is not a
 * dump entry throws `ERR_STATE_SERIALIZATION` naming its number, unless `skipBad`.
 */
export async function checkDump(
  lines: LineSource,
  options: Pick<RestoreOptions, 'skipBad' | 'signal'> = {},
): Promise<DumpCheck> {
  const c: DumpCheck = { entries: 0, bad: 0, badLines: [], interrupted: false };
  let n = 0;
  for await (const line of lines()) {
    n++;
    if (options.signal?.aborted) return { ...c, interrupted: true };
    const parsed = parseLine(line);
    if ('entry' in parsed) c.entries++;
    else if ('error' in parsed) {
      if (!options.skipBad) {
        throw failure(
          'ERR_STATE_SERIALIZATION',
          `line ${n} of the input is not a dump entry: ${parsed.error}; nothing was written (--skip-bad skips such lines)`,
        );
      }
      c.bad++;
      if (c.badLines.length < 10) c.badLines.push(n);
    }
  }
  return c;
}

/**
 * Restores a dump (NDJSON lines as `dumpState` writes them) into `state`. Every line is
 * checked before anything is written ({@link checkDump}, unless `options.checked` says it was); then entries are written in atomic batches, each with
 * its remaining TTL, and entries whose expiry has passed are skipped. With `if-absent` (the
 * default) a re-run after an interruption or a crash continues where the last one stopped.
 * @example await restoreState(state, () => readline.createInterface({ input: createReadStream('backup.ndjson') }));
 */
export async function restoreState(
  state: StateManager,
  lines: LineSource,
  options: RestoreOptions = {},
): Promise<RestoreSummary> {
  const started = Date.now();
  const { interrupted, ...checked } = options.checked ?? (await checkDump(lines, options));
  const s: RestoreSummary = {
    ...checked,
    done: 0,
    ...noCounts(),
    failures: [],
    interrupted,
    elapsedMs: 0,
  };
  const progress = options.progress ?? noProgress;
  progress.setTotal(s.entries);
  const size = options.batchSize ?? 1000;
  const mode = options.mode ?? 'if-absent';
  let batch: DumpEntry[] = [];
  const flush = async () => {
    await writeBatch(state, batch, mode, s, s.failures);
    s.done += batch.length;
    batch = [];
    progress.update(s.done);
  };
  for await (const line of interrupted ? [] : lines()) {
    if (options.signal?.aborted) break;
    const parsed = parseLine(line);
    if (!('entry' in parsed)) continue;
    batch.push(parsed.entry);
    if (batch.length >= size) await flush();
  }
  if (batch.length > 0 && !options.signal?.aborted) await flush();
  s.interrupted = options.signal?.aborted === true;
  s.elapsedMs = Date.now() - started;
  return s;
}
