import type { StateManager } from '@pforge/state-core';
import { formatLine } from './ndjson.js';
import { noProgress, type Progress } from './progress.js';
import { countForProgress, readLive } from './reader.js';

/** Options of {@link dumpState}. */
export interface DumpOptions {
  /** Dump only keys that start with this. @default '' (every key of the namespace) */
  prefix?: string;
  /** Keys read per `getMany`. @default 1000 */
  batchSize?: number;
  /** Stops after the chunk in flight once aborted (the output then holds whole lines only). */
  signal?: AbortSignal;
  /** Shows keys written. @default no display */
  progress?: Progress;
  /** Count the keys first (concurrently, listing only) so `progress` shows an ETA. @default false */
  countTotal?: boolean;
}

/** The result of {@link dumpState}. */
export interface DumpSummary {
  /** Lines written (live keys). */
  dumped: number;
  /** Stopped by the signal: the output is a valid but partial dump. */
  interrupted: boolean;
  /** Time taken, in ms. */
  elapsedMs: number;
}

/** Writes `text` to `out`, waiting for the stream to drain when its buffer is full. */
export function writeText(out: NodeJS.WritableStream, text: string): Promise<void> | undefined {
  if (out.write(text)) return undefined;
  return new Promise((resolve, reject) => {
    const done = (err?: unknown) => {
      out.off('drain', done);
      out.off('error', done);
      out.off('close', done);
      if (err instanceof Error) reject(err);
      else resolve();
    };
    out.on('drain', done);
    out.on('error', done);
    out.on('close', done);
  });
}

/**
 * Writes every live key of `state` (optionally under a prefix) to `out` as NDJSON, one
 * `{ key, value: base64, expiresAt: epoch-ms | null }` object per line, in constant memory:
 * keys are listed lazily, read in chunks, and writing waits for `out` to drain.
 * @example await dumpState(state, createWriteStream('backup.ndjson'));
 */
export async function dumpState(
  state: StateManager,
  out: NodeJS.WritableStream,
  options: DumpOptions = {},
): Promise<DumpSummary> {
  const started = Date.now();
  const progress = options.progress ?? noProgress;
  const counting = options.countTotal
    ? countForProgress(state, options.prefix, progress, options.signal)
    : undefined;
  let dumped = 0;
  const chunks = readLive(state, {
    chunkSize: options.batchSize ?? 1000,
    ...(options.prefix ? { prefix: options.prefix } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    for await (const { entries } of chunks) {
      let text = '';
      for (const e of entries) text += formatLine(e);
      await writeText(out, text);
      dumped += entries.length;
      progress.update(dumped);
    }
  } finally {
    await counting?.stop();
  }
  return { dumped, interrupted: options.signal?.aborted === true, elapsedMs: Date.now() - started };
}
