/**
 * lmdb group: @pforge/state-lmdb against raw lmdb-js (binary values, string keys, its default
 * key encoding) behind the same async surface, in one run, at each durability level (raw
 * opened with the same flags). Raw has no expiry, no namespace, no validation and no copies
 * in; ours writes an expiry header and index, validates, copies in and out, renews its read
 * snapshot once per event-loop turn (cross-process freshness) and runs batches in one
 * transaction. Reads do not depend on the durability level and run once (default level).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLmdbState, type Durability, type LmdbState } from '@pforge/state-lmdb';
import { open, type RootDatabase } from 'lmdb';
import { inFlight, runWorkloads, type Workload } from '../harness.js';

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

function readWorkloads(p: Pair, n: number, label: string): Workload[] {
  const batches = Array.from({ length: 50 }, (_, b) =>
    Array.from({ length: 100 }, (_, i) => keyOf((b * 100 + i * 97) % n)),
  );
  const rawBatches = batches.map((ks) => ks.map((k) => `pforge:${k}`));
  let b = 0;
  return [
    {
      name: `get hit${label}`,
      baseline: RAW,
      cases: [
        { name: RAW, run: () => inFlight(1, 1000, async () => p.raw.get(`pforge:${nextKey(n)}`)) },
        { name: OURS, run: () => inFlight(1, 1000, () => p.ours.get(nextKey(n))) },
      ],
    },
    ...(label
      ? []
      : [
          {
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
          },
        ]),
  ];
}

function writeWorkloads(p: Pair, level: Durability): Workload[] {
  const tag = ` (${level})`;
  let i = 0;
  const rawSetMany = (size: number) => async () => {
    i += size;
    const base = i;
    await p.raw.transaction(() => {
      for (let j = 0; j < size; j++) p.raw.put(`pforge:${keyOf((base + j) % SMALL)}`, value);
    });
    return size;
  };
  const oursSetMany = (size: number) => async () => {
    i += size;
    const base = i;
    await p.ours.setMany(
      Array.from({ length: size }, (_, j) => ({ key: keyOf((base + j) % SMALL), value })),
    );
    return size;
  };
  return [
    {
      name: `awaited set${tag}`,
      baseline: RAW,
      cases: [
        {
          name: RAW,
          run: () => inFlight(1, 5, async () => p.raw.put(`pforge:${nextKey(SMALL)}`, value)),
        },
        { name: OURS, run: () => inFlight(1, 5, () => p.ours.set(nextKey(SMALL), value)) },
      ],
    },
    {
      name: `64 sets in flight${tag}`,
      baseline: RAW,
      cases: [
        {
          name: RAW,
          run: () => inFlight(64, 640, async () => p.raw.put(`pforge:${nextKey(SMALL)}`, value)),
        },
        { name: OURS, run: () => inFlight(64, 640, () => p.ours.set(nextKey(SMALL), value)) },
      ],
    },
    {
      name: `setMany of 100${tag}`,
      baseline: RAW,
      cases: [
        { name: RAW, run: rawSetMany(100) },
        { name: OURS, run: oursSetMany(100) },
      ],
    },
    {
      name: `setMany of 1000${tag}`,
      baseline: RAW,
      cases: [
        { name: RAW, run: rawSetMany(1000) },
        { name: OURS, run: oursSetMany(1000) },
      ],
    },
    {
      name: `awaited set with TTL vs raw plain set${tag}`,
      baseline: RAW,
      cases: [
        {
          name: RAW,
          run: () => inFlight(1, 5, async () => p.raw.put(`pforge:${nextKey(SMALL)}`, value)),
        },
        {
          name: `${OURS} (ttl)`,
          run: () => inFlight(1, 5, () => p.ours.set(nextKey(SMALL), value, { ttl: TTL_MS })),
        },
      ],
    },
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
    await runWorkloads(readWorkloads(small, SMALL, ''));
    await closePair(small);
    for (const level of levels) {
      const p = await openPair(level);
      await fill(p, SMALL);
      await runWorkloads(writeWorkloads(p, level));
      await closePair(p);
    }
    const large = await openPair('none');
    await fill(large, LARGE);
    await runWorkloads(readWorkloads(large, LARGE, ` at ${LARGE.toLocaleString('en-US')} keys`));
    await closePair(large);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
