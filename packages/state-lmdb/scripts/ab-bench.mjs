#!/usr/bin/env node
/**
 * A/B of this package against another build of it (e.g. the commit before a refactor), in one
 * process and the same interleaved rounds, with raw lmdb-js beside them where the targets are
 * ratios to raw (the counter rows). Every method of the manager gets a workload, at each
 * durability level asked for; the figure is the median ops/s over rounds, in shuffled order
 * (the method of bench/harness.ts).
 *
 * Build the other version's dist somewhere it can resolve its own dependencies, e.g.
 *   git worktree add /tmp/lmdb-old <commit> && (cd /tmp/lmdb-old && pnpm install && pnpm build)
 * then, after `pnpm build` here:
 *   node scripts/ab-bench.mjs /tmp/lmdb-old/packages/state-lmdb/dist/index.js [sync,none]
 * Env: AB_ROUNDS (9), AB_SLICE_MS (300), AB_ONLY (workload names containing one of the
 * comma-separated strings).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import * as current from '../dist/index.js';

const otherPath = process.argv[2];
if (!otherPath) {
  console.error('usage: node scripts/ab-bench.mjs <other dist/index.js> [levels, e.g. sync,none]');
  process.exit(2);
}
const other = await import(otherPath);
const levels = (process.argv[3] ?? 'none,sync').split(',');
const ROUNDS = Number(process.env.AB_ROUNDS ?? 9);
const SLICE_MS = Number(process.env.AB_SLICE_MS ?? 300);
const ONLY = (process.env.AB_ONLY ?? '').split(',').filter(Boolean);

const KEYS = 10_000;
const value = new Uint8Array(100).fill(7);
const keyOf = (i) => `key:${i}`;
const dirs = [];
const tempDir = (label) => {
  const d = mkdtempSync(join(tmpdir(), `lmdb-ab-${label}-`));
  dirs.push(d);
  return d;
};

/** Keys of the filled range in a fixed stride, so each call reads or writes another key. */
function cycler() {
  let c = 0;
  return () => {
    c = (c + 7919) % KEYS;
    return keyOf(c);
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const shuffle = (xs) => {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};

async function timeSlice(run, ms) {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    ops += await run();
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

/** `n` in flight, `total` in all; resolves `total`. */
async function inFlight(n, total, op) {
  let next = 0;
  const worker = async () => {
    while (next < total) await op(next++);
  };
  await Promise.all(Array.from({ length: n }, worker));
  return total;
}

/** Runs `cases` ({ name: run }) interleaved; prints one row per workload. */
async function bench(name, cases) {
  if (ONLY.length > 0 && !ONLY.some((s) => name.includes(s))) return;
  const names = Object.keys(cases);
  for (const n of names) await timeSlice(cases[n], Math.min(100, SLICE_MS));
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const n of shuffle(names)) samples[n].push(await timeSlice(cases[n], SLICE_MS));
  }
  const med = Object.fromEntries(names.map((n) => [n, median(samples[n])]));
  const fmt = (x) => Math.round(x).toLocaleString('en-US');
  const raw = med.raw === undefined ? '' : fmt(med.raw);
  const vsRaw = (x) => (med.raw === undefined ? '' : `${(x / med.raw).toFixed(2)}×`);
  console.log(
    `| ${name} | ${fmt(med.old)} | ${fmt(med.new)} | ${((med.new / med.old - 1) * 100).toFixed(1)}% | ${raw} | ${vsRaw(med.old)} | ${vsRaw(med.new)} |`,
  );
}

async function openAll(level) {
  const opts = (label) => ({ path: tempDir(label), durability: level, sweepIntervalMs: 0 });
  const impls = {
    old: await other.createLmdbState(opts('old')),
    new: await current.createLmdbState(opts('new')),
  };
  const raw = open({
    path: tempDir('raw'),
    encoding: 'binary',
    mapSize: 256 * 1024 * 1024,
    noSync: level === 'none',
    overlappingSync: level === 'overlapped',
  });
  for (const s of Object.values(impls)) {
    for (let b = 0; b < KEYS; b += 1000) {
      await s.setMany(Array.from({ length: 1000 }, (_, i) => ({ key: keyOf(b + i), value })));
    }
  }
  return { impls, raw };
}

/** The same workload on old and new: `make(state)` gives one batch's run. */
const both = (impls, make) => ({ old: make(impls.old), new: make(impls.new) });

const counterBytes = (n) => Buffer.from(String(n));
const counterOf = (b) => (b === undefined ? 0 : Number(Buffer.from(b).toString()));
const sameBytes = (a, b) =>
  a === undefined || b === undefined ? a === b : Buffer.compare(a, b) === 0;
const rawIncrement = (db, key) =>
  db.transaction(() => {
    db.put(key, counterBytes(counterOf(db.get(key)) + 1));
  });
async function casLoop(get, swap) {
  for (;;) {
    const cur = await get();
    if (await swap(cur, counterBytes(counterOf(cur) + 1))) return;
  }
}

async function readRows(impls, tag) {
  const next = cycler();
  const batches = Array.from({ length: 50 }, (_, b) =>
    Array.from({ length: 100 }, (_, i) => keyOf((b * 100 + i * 97) % KEYS)),
  );
  let b = 0;
  await bench(
    `get hit${tag}`,
    both(impls, (s) => () => inFlight(1, 1000, () => s.get(next()))),
  );
  await bench(
    `exists${tag}`,
    both(impls, (s) => () => inFlight(1, 1000, () => s.exists(next()))),
  );
  await bench(
    `ttl${tag}`,
    both(impls, (s) => () => inFlight(1, 1000, () => s.ttl(next()))),
  );
  await bench(
    `getMany of 100 (keys/s)${tag}`,
    both(impls, (s) => async () => (await s.getMany(batches[b++ % 50])).length),
  );
  await bench(
    `keys() under a prefix of 1,111 keys (keys/s)${tag}`,
    both(impls, (s) => async () => {
      let n = 0;
      for await (const _ of s.keys({ prefix: 'key:1' })) n++;
      return n;
    }),
  );
}

async function writeRows(impls, tag) {
  const next = cycler();
  const batches = Array.from({ length: KEYS / 100 }, (_, b) =>
    Array.from({ length: 100 }, (_, j) => ({ key: keyOf(b * 100 + j), value })),
  );
  let b = 0;
  const one = (op) => both(impls, (s) => () => inFlight(1, 5, (i) => op(s, i)));
  await bench(
    `awaited set${tag}`,
    one((s) => s.set(next(), value)),
  );
  await bench(
    `awaited set with TTL${tag}`,
    one((s) => s.set(next(), value, { ttl: 3_600_000 })),
  );
  await bench(
    `64 sets in flight${tag}`,
    both(impls, (s) => () => inFlight(64, 640, () => s.set(next(), value))),
  );
  await bench(
    `setMany of 100 (keys/s)${tag}`,
    both(impls, (s) => async () => {
      await s.setMany(batches[b++ % batches.length]);
      return 100;
    }),
  );
  await bench(
    `awaited delete of an absent key${tag}`,
    one((s) => s.delete(`absent:${next()}`)),
  );
  await bench(
    `deleteMany of 100 absent keys (calls/s)${tag}`,
    both(impls, (s) => async () => {
      await s.deleteMany(batches[b++ % batches.length].map((e) => `absent:${e.key}`));
      return 1;
    }),
  );
  await bench(
    `awaited expire${tag}`,
    one((s) => s.expire(next(), 3_600_000)),
  );
  await bench(
    `awaited clear of an empty prefix${tag}`,
    one((s) => s.clear({ prefix: 'none:' })),
  );
}

async function counterRows(impls, raw, tag) {
  const withRaw = (rawRun, make) => ({ raw: rawRun, ...both(impls, make) });
  await bench(
    `awaited increment${tag}`,
    withRaw(
      () => inFlight(1, 5, () => rawIncrement(raw, 'pforge:ctr:0')),
      (s) => () => inFlight(1, 5, () => s.increment('ctr:0')),
    ),
  );
  for (const [callers, keys] of [
    [8, 1],
    [64, 1000],
  ]) {
    const key = (i) => `ctr:${i % keys}`;
    const total = callers * 20;
    await bench(
      `increment, ${callers} callers, ${keys === 1 ? 'one key' : `${keys} keys`}${tag}`,
      withRaw(
        () => inFlight(callers, total, (i) => rawIncrement(raw, `pforge:${key(i)}`)),
        (s) => () => inFlight(callers, total, (i) => s.increment(key(i))),
      ),
    );
  }
  const rawSwap = (cur, nxt) =>
    raw.transaction(() => {
      if (!sameBytes(raw.get('pforge:cas'), cur)) return false;
      raw.put('pforge:cas', nxt);
      return true;
    });
  await bench(
    `compareAndSwap retry loop, 8 callers, one key${tag}`,
    withRaw(
      () => inFlight(8, 80, () => casLoop(async () => raw.get('pforge:cas'), rawSwap)),
      (s) => () =>
        inFlight(8, 80, () =>
          casLoop(
            () => s.get('cas'),
            (cur, nxt) => s.compareAndSwap('cas', cur, nxt),
          ),
        ),
    ),
  );
}

console.log(
  `# lmdb A/B — ${new Date().toISOString()} — Node ${process.version} — ${ROUNDS} rounds × ${SLICE_MS} ms — other: ${otherPath}\n`,
);
console.log(
  '| workload | old ops/s | new ops/s | new vs old | raw ops/s | old ÷ raw | new ÷ raw |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|');
try {
  for (const level of levels) {
    const { impls, raw } = await openAll(level);
    const tag = ` (${level})`;
    await readRows(impls, tag);
    await writeRows(impls, tag);
    await counterRows(impls, raw, tag);
    await impls.old.close();
    await impls.new.close();
    await raw.close();
  }
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
