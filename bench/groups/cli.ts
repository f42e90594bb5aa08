/**
 * cli group: `pforge-state migrate` (its engine, `migrateState` from @pforge/state-cli) copying
 * LMDB → Redis, against a hand-written loop over the same two managers: list keys, then per
 * chunk of 1,000 `getMany` + `ttl` from LMDB and one `setMany` with the TTLs into Redis.
 * migrate first checks whether the target holds any key under the prefix (it skips its
 * per-batch equality `getMany` into an empty target) and reads the next chunk while the current
 * one is written. The third case runs it as the CLI does with a progress display (the ETA key
 * count starts after 1 s, so not within these ~150 ms runs).
 *
 * 10,000 keys of 100 B, half with a 1 h TTL. Each sample copies all of them into an empty
 * Redis namespace (emptied between samples, untimed); cases interleave in shuffled order and
 * the figure is the median keys/s over rounds (BENCH_ROUNDS, default 9).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateState } from '@pforge/state-cli';
import type { Entry, StateManager } from '@pforge/state-core';
import { createLmdbState } from '@pforge/state-lmdb';
import { createRedisState } from '@pforge/state-redis';
import { printRows, type Row } from '../harness.js';
import { startServer } from '../redis-server.js';

const KEYS = 10_000;
const CHUNK = 1000;
const TTL_MS = 3_600_000;
const WORKLOAD = `migrate LMDB → Redis, ${KEYS.toLocaleString('en-US')} keys of 100 B (ops = keys)`;
const BASELINE = 'hand-written getMany/setMany loop';

/** The loop a user would write: list, read values and TTLs in chunks, write each chunk. */
async function handLoop(from: StateManager, to: StateManager): Promise<number> {
  let n = 0;
  let chunk: string[] = [];
  const flush = async () => {
    const [values, ttls] = await Promise.all([
      from.getMany(chunk),
      Promise.all(chunk.map((k) => from.ttl(k))),
    ]);
    const entries: Entry[] = [];
    chunk.forEach((key, i) => {
      const value = values[i];
      const ttl = ttls[i];
      if (value === undefined || ttl === undefined) return;
      entries.push(ttl === null ? { key, value } : { key, value, ttl });
    });
    await to.setMany(entries);
    n += entries.length;
    chunk = [];
  };
  for await (const key of from.keys()) {
    chunk.push(key);
    if (chunk.length === CHUNK) await flush();
  }
  if (chunk.length > 0) await flush();
  return n;
}

const noDisplay = { update() {}, setTotal() {}, stop() {} };

function shuffle<T>(xs: readonly T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function run(): Promise<void> {
  const server = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  const from = await createLmdbState({ path: join(dir, 'db'), namespace: 'bench' });
  const to = await createRedisState({ url: server.url, namespace: 'bench-cli' });
  const value = new Uint8Array(100).fill(7);
  const all: Entry[] = Array.from({ length: KEYS }, (_, i) =>
    i % 2 ? { key: `key:${i}`, value, ttl: TTL_MS } : { key: `key:${i}`, value },
  );
  await from.setMany(all);
  const cases: { name: string; copy: () => Promise<number> }[] = [
    { name: BASELINE, copy: () => handLoop(from, to) },
    {
      name: '@pforge/state-cli migrateState (--no-progress)',
      copy: async () => (await migrateState(from, to, { batchSize: CHUNK })).copied,
    },
    {
      name: '@pforge/state-cli migrateState (as the CLI, with a display)',
      copy: async () =>
        (await migrateState(from, to, { batchSize: CHUNK, progress: noDisplay, countTotal: true }))
          .copied,
    },
  ];
  const rounds = Number(process.env.BENCH_ROUNDS ?? 9);
  const samples = new Map(cases.map((c) => [c.name, [] as number[]]));
  try {
    for (let r = -1; r < rounds; r++) {
      for (const c of shuffle(cases)) {
        await to.clear();
        const t0 = performance.now();
        const copied = await c.copy();
        const keysPerSec = (copied * 1000) / (performance.now() - t0);
        if (copied !== KEYS) throw new Error(`${c.name} copied ${copied} of ${KEYS} keys`);
        if (r >= 0) samples.get(c.name)!.push(keysPerSec); // round -1 warms up
      }
    }
    const base = median(samples.get(BASELINE)!);
    const rows: Row[] = cases.map((c) => {
      const opsPerSec = median(samples.get(c.name)!);
      return { workload: WORKLOAD, name: c.name, opsPerSec, ratio: opsPerSec / base };
    });
    printRows(rows);
  } finally {
    await Promise.all([from.close(), to.close()]);
    server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
