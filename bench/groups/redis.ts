/**
 * redis group: @pforge/state-redis against raw ioredis in its two modes, side by side in one
 * run on one local redis-server: a plain client (best for awaited one-at-a-time calls) and a
 * client with `enableAutoPipelining` (best with many calls in flight). Keyv 5 + @keyv/redis
 * joins the batch reads. Values are 100 bytes; 10,000 keys are preloaded. `increment` (a Lua
 * script keeping the contract's counter rules) is set against a bare INCRBY, and `pool_size` 3 against 1
 * (calls in flight together share one connection, which keeps their issue order).
 * Set REDIS_URL to use a running server instead of starting redis-server.
 * A/B: `REDIS_AB='prev=/path/to/dist/index.js;other=…'` adds, beside ours in every workload
 * ours is in, a case per built entry of another @pforge/state-redis (e.g. the commit before a
 * change, built in a `git worktree`), in the same interleaved rounds. Let such a build resolve
 * `ioredis` to this workspace's copy: ioredis code shared with the raw-client cases is
 * optimised for all of them, a private copy only for its one manager, which skews the A/B.
 * Network round trips make single slices noisy on a shared machine, so this group defaults to
 * many short interleaved rounds (31 × 100 ms; BENCH_ROUNDS / BENCH_SLICE_MS override).
 */
import { createKeyv } from '@keyv/redis';
import type { StateManager } from '@pforge/state-core';
import { createRedisState } from '@pforge/state-redis';
import { Redis } from 'ioredis';
import { type BenchCase, inFlight, runWorkloads, type Workload } from '../harness.js';
import { startServer } from '../redis-server.js';

const KEYS = 10_000;
const SEQ = 100;
const IN_FLIGHT = 64;
const IN_FLIGHT_TOTAL = 2_000;
const BATCH = 100;
const TTL_MS = 3_600_000;

/** An exact-size copy that owns its buffer (what @pforge/state-redis hands out). */
const copyOut = (v: Buffer | null): Uint8Array | undefined => {
  if (v === null) return undefined;
  const out = new Uint8Array(v.byteLength);
  out.set(v);
  return out;
};

const keys = Array.from({ length: KEYS }, (_, i) => `key:${i}`);
const value = new Uint8Array(100).fill(7);
const valueBuf = Buffer.from(value);
const batches = Array.from({ length: KEYS / BATCH }, (_, b) =>
  keys.slice(b * BATCH, b * BATCH + BATCH),
);

/** `n` sequential awaited calls per batch. */
const seq = (name: string, op: (i: number) => Promise<unknown>): BenchCase => {
  let i = 0;
  return {
    name,
    run: async () => {
      for (let n = 0; n < SEQ; n++) await op(i++ % KEYS);
      return SEQ;
    },
  };
};
const par = (name: string, op: (i: number) => Promise<unknown>): BenchCase => {
  let base = 0;
  return {
    name,
    run: () => {
      base = (base + IN_FLIGHT_TOTAL) % KEYS;
      return inFlight(IN_FLIGHT, IN_FLIGHT_TOTAL, (i) => op((base + i) % KEYS));
    },
  };
};
const batch = (name: string, op: (b: string[], i: number) => Promise<unknown>): BenchCase => {
  let i = 0;
  return {
    name,
    run: async () => {
      const b = i++ % batches.length;
      await op(batches[b]!, b);
      return BATCH;
    },
  };
};

type Open = (options: {
  url: string;
  namespace: string;
  poolSize?: number;
}) => Promise<StateManager>;

/** The builds named by `REDIS_AB` (`label=path;label=path`), each a built entry. */
async function abBuilds(): Promise<{ label: string; open: Open }[]> {
  const out: { label: string; open: Open }[] = [];
  for (const item of (process.env.REDIS_AB ?? '').split(';').filter(Boolean)) {
    const [label, path] = item.split('=') as [string, string];
    const mod = (await import(path)) as { createRedisState: Open };
    out.push({ label: `(A/B) ${label}`, open: mod.createRedisState });
  }
  return out;
}

export async function run(): Promise<void> {
  const server = await startServer();
  const url = server.url;
  const ours = await createRedisState({ url, namespace: 'bench' });
  const pooled = await createRedisState({ url, namespace: 'bench', poolSize: 3 });
  const others = await Promise.all(
    (await abBuilds()).map(async ({ label, open }) => ({
      label,
      single: await open({ url, namespace: 'bench' }),
      pooled: await open({ url, namespace: 'bench', poolSize: 3 }),
    })),
  );
  /** One case per `REDIS_AB` build (none without it), on its pool_size 1 or 3 manager. */
  const ab = (make: (name: string, m: StateManager) => BenchCase, pool = false) =>
    others.map((o) => (pool ? make(`${o.label} pool_size 3`, o.pooled) : make(o.label, o.single)));
  const plain = new Redis(url);
  const auto = new Redis(url, { enableAutoPipelining: true });
  const keyv = createKeyv(url);
  // Same data under every implementation's own key layout. Raw keys get a prefix as long as
  // ours (`bench:`), so both send strings of the same length (V8 builds short ones flat).
  await ours.setMany(keys.map((key) => ({ key, value })));
  await plain.mset(keys.flatMap((k) => [`rawkv:${k}`, valueBuf]));
  await keyv.setMany(keys.map((key) => ({ key, value: 'x'.repeat(100) })));

  const rawKey = (i: number) => `rawkv:${keys[i]}`;
  const ourEntries = batches.map((b) => b.map((key) => ({ key, value })));
  const ttlEntries = batches.map((b) => b.map((key) => ({ key, value, ttl: TTL_MS })));
  const pipelineSet = (c: Redis, b: string[], ttl?: number, multi = false) => {
    const p = multi ? c.multi() : c.pipeline();
    for (const k of b) {
      if (ttl === undefined) p.set(`rawkv:${k}`, valueBuf);
      else p.set(`rawkv:${k}`, valueBuf, 'PX', ttl);
    }
    return p.exec();
  };
  const workloads: Workload[] = [
    {
      name: 'get, sequential',
      baseline: 'ioredis (plain)',
      cases: [
        seq('@pforge/state-redis', (i) => ours.get(keys[i]!)),
        ...ab((n, m) => seq(n, (i) => m.get(keys[i]!))),
        seq('ioredis (plain)', (i) => plain.getBuffer(rawKey(i))),
        seq('ioredis (auto-pipelining)', (i) => auto.getBuffer(rawKey(i))),
      ],
    },
    {
      name: 'set, sequential',
      baseline: 'ioredis (plain)',
      cases: [
        seq('@pforge/state-redis', (i) => ours.set(keys[i]!, value)),
        ...ab((n, m) => seq(n, (i) => m.set(keys[i]!, value))),
        seq('ioredis (plain)', (i) => plain.set(rawKey(i), valueBuf)),
        seq('ioredis (auto-pipelining)', (i) => auto.set(rawKey(i), valueBuf)),
      ],
    },
    {
      name: `get, ${IN_FLIGHT} in flight`,
      baseline: 'ioredis (auto-pipelining)',
      cases: [
        par('@pforge/state-redis', (i) => ours.get(keys[i]!)),
        ...ab((n, m) => par(n, (i) => m.get(keys[i]!))),
        par('@pforge/state-redis pool_size 3', (i) => pooled.get(keys[i]!)),
        ...ab((n, m) => par(n, (i) => m.get(keys[i]!)), true),
        par('ioredis (plain)', (i) => plain.getBuffer(rawKey(i))),
        par('ioredis (auto-pipelining)', (i) => auto.getBuffer(rawKey(i))),
      ],
    },
    {
      name: `set, ${IN_FLIGHT} in flight`,
      baseline: 'ioredis (auto-pipelining)',
      cases: [
        par('@pforge/state-redis', (i) => ours.set(keys[i]!, value)),
        ...ab((n, m) => par(n, (i) => m.set(keys[i]!, value))),
        par('ioredis (plain)', (i) => plain.set(rawKey(i), valueBuf)),
        par('ioredis (auto-pipelining)', (i) => auto.set(rawKey(i), valueBuf)),
      ],
    },
    {
      name: `increment, ${IN_FLIGHT} in flight`,
      baseline: 'ioredis INCRBY (auto-pipelining)',
      cases: [
        par('@pforge/state-redis', (i) => ours.increment(`n:${i % 1000}`)),
        ...ab((n, m) => par(n, (i) => m.increment(`n:${i % 1000}`))),
        par('ioredis INCRBY (plain)', (i) => plain.incrby(`rawkv:n:${i % 1000}`, 1)),
        par('ioredis INCRBY (auto-pipelining)', (i) => auto.incrby(`rawkv:n:${i % 1000}`, 1)),
      ],
    },
    {
      name: `getMany of ${BATCH} (ops = keys)`,
      baseline: 'ioredis MGET (plain)',
      cases: [
        batch('@pforge/state-redis', (b) => ours.getMany(b)),
        ...ab((n, m) => batch(n, (b) => m.getMany(b))),
        batch('ioredis MGET (plain)', (b) => plain.mgetBuffer(b.map((k) => `rawkv:${k}`))),
        // The honest floor for values the caller owns: every reply copied out of the socket chunk.
        batch('ioredis MGET + copy (plain)', (b) =>
          plain.mgetBuffer(b.map((k) => `rawkv:${k}`)).then((vs) => vs.map(copyOut)),
        ),
        batch('ioredis MGET (auto-pipelining)', (b) => auto.mgetBuffer(b.map((k) => `rawkv:${k}`))),
        batch('Keyv + @keyv/redis', (b) => keyv.getMany(b)),
      ],
    },
    {
      name: `setMany of ${BATCH} (ops = keys)`,
      baseline: 'ioredis pipeline (plain)',
      cases: [
        batch('@pforge/state-redis', (_b, i) => ours.setMany(ourEntries[i]!)),
        ...ab((n, m) => batch(n, (_b, i) => m.setMany(ourEntries[i]!))),
        batch('ioredis pipeline (plain)', (b) => pipelineSet(plain, b)),
        batch('ioredis pipeline (auto-pipelining)', (b) => pipelineSet(auto, b)),
        batch('ioredis MSET (plain)', (b) =>
          plain.mset(b.flatMap((k) => [`rawkv:${k}`, valueBuf])),
        ),
        batch('Keyv + @keyv/redis', (b) =>
          keyv.setMany(b.map((key) => ({ key, value: 'x'.repeat(100) }))),
        ),
      ],
    },
    {
      name: `setMany of ${BATCH} with ttl (ops = keys)`,
      baseline: 'ioredis pipeline SET PX (plain)',
      cases: [
        batch('@pforge/state-redis', (_b, i) => ours.setMany(ttlEntries[i]!)),
        ...ab((n, m) => batch(n, (_b, i) => m.setMany(ttlEntries[i]!))),
        batch('ioredis pipeline SET PX (plain)', (b) => pipelineSet(plain, b, TTL_MS)),
        batch('ioredis pipeline SET PX (auto-pipelining)', (b) => pipelineSet(auto, b, TTL_MS)),
        batch('ioredis MULTI SET PX (plain)', (b) => pipelineSet(plain, b, TTL_MS, true)),
      ],
    },
  ];
  try {
    await runWorkloads(workloads, {
      rounds: Number(process.env.BENCH_ROUNDS ?? 31),
      sliceMs: Number(process.env.BENCH_SLICE_MS ?? 100),
    });
  } finally {
    await Promise.all([ours.close(), pooled.close()]);
    await Promise.all(others.flatMap((o) => [o.single.close(), o.pooled.close()]));
    plain.disconnect();
    auto.disconnect();
    await keyv.disconnect().catch(() => undefined);
    server.stop();
  }
}
