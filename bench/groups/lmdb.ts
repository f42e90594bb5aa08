/**
 * lmdb group: @pforge/state-lmdb against raw lmdb-js (binary values, string keys, its default
 * key encoding) behind the same async surface, in one run, at each durability level (raw
 * opened with the same flags). Raw has no expiry, no namespace, no validation and no copies
 * in; ours writes an expiry header and index, validates, copies in and out, renews its read
 * snapshot once per event-loop turn (cross-process freshness) and runs batches in one
 * transaction. Reads do not depend on the durability level and run once (default level).
 *
 * Counter rows (issue 12): concurrent `increment` and a compare-and-swap retry loop against
 * raw lmdb-js `transaction(get + put)` with the same concurrency and durability flags. Raw's
 * asynchronous transactions are batched by lmdb-js's write thread; ours are group-committed
 * by the manager (one `transactionSync` per tick). At `overlapped`, raw resolves when the
 * commit is visible and flushes afterwards on its thread, while ours resolves after the
 * flush: an extra raw case that also awaits `db.flushed` shows the matching guarantee.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLmdbState, type Durability, type LmdbState } from '@pforge/state-lmdb';
import { open, type RootDatabase } from 'lmdb';
import {
  type BenchCase,
  inFlight,
  printRows,
  type Row,
  runWorkloads,
  type Workload,
} from '../harness.js';

const VALUE_BYTES = 100;
const SMALL = 10_000;
const LARGE = 1_000_000;
const TTL_MS = 3_600_000;
const RAW = 'lmdb-js (raw)';
const OURS = '@pforge/state-lmdb';

const value = new Uint8Array(VALUE_BYTES).fill(7);
const keyOf = (i: number) => `key:${i}`;
const dirs: string[] = [];

interface Pair {
  raw: RootDatabase<Uint8Array, string>;
  ours: LmdbState;
}

function openPair(durability: Durability): Promise<Pair> {
  const rawDir = mkdtempSync(join(tmpdir(), 'bench-lmdb-raw-'));
  const ourDir = mkdtempSync(join(tmpdir(), 'bench-lmdb-ours-'));
  dirs.push(rawDir, ourDir);
  const raw = open<Uint8Array, string>({
    path: rawDir,
    encoding: 'binary',
    mapSize: 256 * 1024 * 1024,
    noSync: durability === 'none',
    overlappingSync: durability === 'overlapped',
  });
  return createLmdbState({ path: ourDir, durability, sweepIntervalMs: 0 }).then((ours) => ({
    raw,
    ours,
  }));
}

async function fill(p: Pair, n: number): Promise<void> {
  for (let start = 0; start < n; start += 10_000) {
    const ks = Array.from({ length: Math.min(10_000, n - start) }, (_, i) => keyOf(start + i));
    await p.raw.transaction(() => {
      for (const k of ks) p.raw.put(`pforge:${k}`, value);
    });
    await p.ours.setMany(ks.map((key) => ({ key, value })));
  }
}

let cursor = 0;
const nextKey = (n: number) => {
  cursor = (cursor + 7919) % n;
  return keyOf(cursor);
};

const LARGE_LABEL = `${LARGE.toLocaleString('en-US')} keys`;
const SMALL_LABEL = `${SMALL.toLocaleString('en-US')} keys`;

/** get hit at 10k and at 1M keys in one workload, so the 1M ÷ 10k ratios come from one run. */
function getWorkload(small: Pair, large: Pair): Workload {
  const getCase = (name: string, p: Pair, n: number, raw: boolean) => {
    let c = 0;
    const next = () => {
      c = (c + 7919) % n;
      return keyOf(c);
    };
    return {
      name,
      run: raw
        ? () => inFlight(1, 1000, async () => p.raw.get(`pforge:${next()}`))
        : () => inFlight(1, 1000, () => p.ours.get(next())),
    };
  };
  return {
    name: 'get hit',
    baseline: `${RAW}, ${SMALL_LABEL}`,
    cases: [
      getCase(`${RAW}, ${SMALL_LABEL}`, small, SMALL, true),
      getCase(`${OURS}, ${SMALL_LABEL}`, small, SMALL, false),
      getCase(`${RAW}, ${LARGE_LABEL}`, large, LARGE, true),
      getCase(`${OURS}, ${LARGE_LABEL}`, large, LARGE, false),
    ],
  };
}

function getManyWorkload(p: Pair): Workload {
  const batches = Array.from({ length: 50 }, (_, b) =>
    Array.from({ length: 100 }, (_, i) => keyOf((b * 100 + i * 97) % SMALL)),
  );
  const rawBatches = batches.map((ks) => ks.map((k) => `pforge:${k}`));
  let b = 0;
  return {
    name: 'getMany of 100',
    baseline: 'lmdb-js getMany (raw)',
    cases: [
      {
        name: 'lmdb-js getMany (raw)',
        run: async () => (await p.raw.getMany(rawBatches[b++ % 50]!)).length,
      },
      {
        name: 'lmdb-js get loop (raw)',
        run: async () => rawBatches[b++ % 50]!.map((k) => p.raw.get(k)).length,
      },
      { name: OURS, run: async () => (await p.ours.getMany(batches[b++ % 50]!)).length },
    ],
  };
}

/** Ratios the targets are stated in, derived from rows of one workload. */
function derivedRows(rows: Row[]): Row[] {
  const ops = (workload: string, name: string) =>
    rows.find((r) => r.workload === workload && r.name === name)?.opsPerSec ?? Number.NaN;
  const out: Row[] = [];
  for (const impl of [RAW, OURS]) {
    const small = ops('get hit', `${impl}, ${SMALL_LABEL}`);
    const large = ops('get hit', `${impl}, ${LARGE_LABEL}`);
    out.push({
      workload: `get hit: ${LARGE_LABEL} ÷ ${SMALL_LABEL}`,
      name: impl,
      opsPerSec: large,
      ratio: large / small,
    });
  }
  const loop = ops('getMany of 100', 'lmdb-js get loop (raw)');
  const ours = ops('getMany of 100', OURS);
  out.push({
    workload: 'getMany of 100 vs raw get loop',
    name: OURS,
    opsPerSec: ours,
    ratio: ours / loop,
  });
  return out;
}

/** A workload of two cases: raw lmdb-js (the baseline) and ours. */
const versus = (name: string, raw: BenchCase['run'], ours: BenchCase['run']): Workload => ({
  name,
  baseline: RAW,
  cases: [
    { name: RAW, run: raw },
    { name: OURS, run: ours },
  ],
});

function writeWorkloads(p: Pair, level: Durability): Workload[] {
  const tag = ` (${level})`;
  // Both sides cycle through prebuilt batches over the same keys: raw its key strings, ours
  // its entry arrays.
  const batchesOf = (size: number) =>
    Array.from({ length: SMALL / size }, (_, b) =>
      Array.from({ length: size }, (_, j) => keyOf(b * size + j)),
    );
  const rawSetMany = (size: number) => {
    const batches = batchesOf(size).map((ks) => ks.map((k) => `pforge:${k}`));
    let b = 0;
    return async () => {
      const ks = batches[b++ % batches.length]!;
      await p.raw.transaction(() => {
        for (const k of ks) p.raw.put(k, value);
      });
      return size;
    };
  };
  const oursSetMany = (size: number) => {
    const batches = batchesOf(size).map((ks) => ks.map((key) => ({ key, value })));
    let b = 0;
    return async () => {
      await p.ours.setMany(batches[b++ % batches.length]!);
      return size;
    };
  };
  const rawSet = async () => p.raw.put(`pforge:${nextKey(SMALL)}`, value);
  const oursSet = () => p.ours.set(nextKey(SMALL), value);
  const withTtl = versus(
    `awaited set with TTL vs raw plain set${tag}`,
    () => inFlight(1, 5, rawSet),
    () => inFlight(1, 5, () => p.ours.set(nextKey(SMALL), value, { ttl: TTL_MS })),
  );
  withTtl.cases[1]!.name = `${OURS} (ttl)`;
  return [
    versus(
      `awaited set${tag}`,
      () => inFlight(1, 5, rawSet),
      () => inFlight(1, 5, oursSet),
    ),
    versus(
      `64 sets in flight${tag}`,
      () => inFlight(64, 640, rawSet),
      () => inFlight(64, 640, oursSet),
    ),
    versus(`setMany of 100${tag}`, rawSetMany(100), oursSetMany(100)),
    versus(`setMany of 1000${tag}`, rawSetMany(1000), oursSetMany(1000)),
    withTtl,
  ];
}

const counterBytes = (n: number) => Buffer.from(String(n));
const counterOf = (b: Uint8Array | undefined) =>
  b === undefined ? 0 : Number(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString());
const sameBytes = (a: Uint8Array | undefined, b: Uint8Array | undefined) =>
  a === undefined || b === undefined ? a === b : Buffer.compare(a, b) === 0;

/** Raw lmdb-js read-modify-write: one asynchronous `transaction(get + put)`. */
const rawIncrement = (db: Pair['raw'], key: string) =>
  db.transaction(() => {
    db.put(key, counterBytes(counterOf(db.get(key)) + 1));
  });

/** A compare-and-swap `+1` loop: read, swap if unchanged, retry otherwise. */
async function casLoop(
  get: () => Promise<Uint8Array | undefined>,
  swap: (cur: Uint8Array | undefined, next: Uint8Array) => Promise<boolean>,
): Promise<void> {
  for (;;) {
    const cur = await get();
    if (await swap(cur, counterBytes(counterOf(cur) + 1))) return;
  }
}

/** `callers` in flight on `keys` distinct keys (call i uses key i mod keys). */
function incrementWorkload(p: Pair, tag: string, callers: number, keys: number): Workload {
  const key = (i: number) => `ctr:${i % keys}`;
  const total = callers * 20;
  const label = keys === 1 ? 'one key' : `${keys.toLocaleString('en-US')} keys`;
  const w = versus(
    `increment, ${callers} callers, ${label}${tag}`,
    () => inFlight(callers, total, (i) => rawIncrement(p.raw, `pforge:${key(i)}`)),
    () => inFlight(callers, total, (i) => p.ours.increment(key(i))),
  );
  if (tag.includes('overlapped')) {
    w.cases.push({
      name: `${RAW}, awaiting flushed`,
      run: () =>
        inFlight(callers, total, async (i) => {
          await rawIncrement(p.raw, `pforge:${key(i)}`);
          await p.raw.flushed;
        }),
    });
  }
  return w;
}

function counterWorkloads(p: Pair, level: Durability): Workload[] {
  const tag = ` (${level})`;
  const rawSwap = (cur: Uint8Array | undefined, next: Uint8Array) =>
    p.raw.transaction(() => {
      if (!sameBytes(p.raw.get('pforge:cas'), cur)) return false;
      p.raw.put('pforge:cas', next);
      return true;
    });
  const oursSwap = (cur: Uint8Array | undefined, next: Uint8Array) =>
    p.ours.compareAndSwap('cas', cur, next);
  return [
    versus(
      `awaited increment${tag}`,
      () => inFlight(1, 5, () => rawIncrement(p.raw, 'pforge:ctr:0')),
      () => inFlight(1, 5, () => p.ours.increment('ctr:0')),
    ),
    incrementWorkload(p, tag, 8, 1),
    incrementWorkload(p, tag, 8, 1000),
    incrementWorkload(p, tag, 64, 1),
    incrementWorkload(p, tag, 64, 1000),
    versus(
      `compareAndSwap retry loop, 8 callers, one key${tag}`,
      () => inFlight(8, 80, () => casLoop(async () => p.raw.get('pforge:cas'), rawSwap)),
      () => inFlight(8, 80, () => casLoop(() => p.ours.get('cas'), oursSwap)),
    ),
  ];
}

async function closePair(p: Pair): Promise<void> {
  await p.ours.close();
  await p.raw.close();
}

/** Runs the lmdb group and prints its rows. */
export async function run(): Promise<void> {
  const levels: Durability[] = ['overlapped', 'sync', 'none'];
  try {
    const small = await openPair('overlapped');
    await fill(small, SMALL);
    const large = await openPair('none');
    await fill(large, LARGE);
    const reads = await runWorkloads([getWorkload(small, large), getManyWorkload(small)]);
    await closePair(large);
    await closePair(small);
    for (const level of levels) {
      const p = await openPair(level);
      await fill(p, SMALL);
      await runWorkloads([...writeWorkloads(p, level), ...counterWorkloads(p, level)]);
      await closePair(p);
    }
    printRows(derivedRows(reads));
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
