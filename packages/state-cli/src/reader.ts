import type { StateManager } from '@pforge/state-core';
import type { DumpEntry } from './ndjson.js';

/** Options of {@link readLive}. */
export interface ReadLiveOptions {
  /** Only keys that start with this. @default '' (every key of the namespace) */
  prefix?: string;
  /** Keys read per `getMany`. @default 1000 */
  chunkSize?: number;
  /** Stops before the next chunk once aborted. */
  signal?: AbortSignal;
}

/** A chunk of live entries and how many keys were listed for it (some may have gone since). */
export interface LiveChunk {
  /** Keys that still held a value when read, with their absolute expiry. */
  entries: DumpEntry[];
  /** Keys listed for this chunk, those that expired or were deleted meanwhile included. */
  listed: number;
}

async function nextKeys(it: AsyncIterator<string>, size: number): Promise<string[]> {
  const keys: string[] = [];
  while (keys.length < size) {
    const r = await it.next();
    if (r.done) break;
    keys.push(r.value);
  }
  return keys;
}

/**
 * Reads `keys` with their values and expiries. The clock is read before the TTLs are, so an
 * `expiresAt` is never later than the real one (at most the round trip earlier).
 */
export async function readEntries(state: StateManager, keys: string[]): Promise<DumpEntry[]> {
  const now = Date.now();
  const [values, ttls] = await Promise.all([
    state.getMany(keys),
    Promise.all(keys.map((k) => state.ttl(k))),
  ]);
  const entries: DumpEntry[] = [];
  for (let i = 0; i < keys.length; i++) {
    const value = values[i];
    const ttl = ttls[i];
    // Gone between listing and reading, or between the two reads: not live any more.
    if (value === undefined || ttl === undefined) continue;
    entries.push({ key: keys[i]!, value, expiresAt: ttl === null ? null : now + ttl });
  }
  return entries;
}

/**
 * Streams the live keys of `state` (optionally under a prefix) in chunks, with their values
 * and absolute expiries, in constant memory: keys are listed lazily and the next chunk is
 * read while the caller works on the current one.
 */
export async function* readLive(
  state: StateManager,
  options: ReadLiveOptions = {},
): AsyncGenerator<LiveChunk> {
  const size = options.chunkSize ?? 1000;
  const it = state
    .keys(options.prefix ? { prefix: options.prefix } : undefined)
    [Symbol.asyncIterator]();
  const read = async (): Promise<LiveChunk> => {
    const keys = await nextKeys(it, size);
    return { entries: keys.length ? await readEntries(state, keys) : [], listed: keys.length };
  };
  let pending: Promise<LiveChunk> | undefined = read();
  try {
    while (pending !== undefined) {
      const chunk: LiveChunk = await pending;
      pending = undefined;
      if (chunk.listed === 0 || options.signal?.aborted) return;
      if (chunk.listed === size) pending = read();
      yield chunk;
    }
  } finally {
    // A read-ahead nobody will take: let it settle quietly, then close the key listing.
    await pending?.catch(() => undefined);
    await it.return?.();
  }
}

/** Counts the live keys under `prefix` (listing only, no values), until `signal` aborts. */
export async function countKeys(
  state: StateManager,
  prefix: string | undefined,
  signal?: AbortSignal,
): Promise<number> {
  let n = 0;
  for await (const _ of state.keys(prefix ? { prefix } : undefined)) {
    n++;
    if (signal?.aborted) break;
  }
  return n;
}

/** A total being counted for a progress display; `stop()` ends it and waits for it. */
export interface TotalCount {
  stop(): Promise<void>;
}

/** How long a run goes before its keys are counted for the ETA, in ms. */
export const COUNT_AFTER_MS = 1000;

/**
 * Counts the keys under `prefix` for `progress` (its ETA), but only once the run has gone on
 * for `afterMs`: a short run never lists its keys twice. The count stops with `stop()` or
 * `signal`, and a failure only leaves the ETA unknown.
 */
export function countForProgress(
  state: StateManager,
  prefix: string | undefined,
  progress: { setTotal(total: number): void },
  signal?: AbortSignal,
  afterMs = COUNT_AFTER_MS,
): TotalCount {
  const stopped = new AbortController();
  const stopOn = signal ? AbortSignal.any([signal, stopped.signal]) : stopped.signal;
  let counting: Promise<void> | undefined;
  const timer = setTimeout(() => {
    counting = countKeys(state, prefix, stopOn).then(
      (n) => {
        if (!stopOn.aborted) progress.setTotal(n);
      },
      () => undefined,
    );
  }, afterMs);
  timer.unref();
  return {
    stop: async () => {
      clearTimeout(timer);
      stopped.abort();
      await counting;
    },
  };
}
