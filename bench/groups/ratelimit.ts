/**
 * ratelimit group: an exact fixed-window `consume` from @pforge/state-patterns against a naive
 * non-atomic counter (a Map in memory; INCR then PEXPIRE, one at a time, on Redis) and
 * rate-limiter-flexible, side by side in one run. Every call is admitted (the limit is out of
 * reach), so the figures measure the hot path; ids rotate over 1,000 clients. The naive Redis
 * counter uses a plain ioredis client (PEXPIRE only when INCR created the key, as the book
 * version does); with many calls in flight it is also shown on an auto-pipelined client.
 * Set REDIS_URL to use a running server instead of starting redis-server.
 *
 * A/B: set PATTERNS_PREV to the built `dist/index.js` of another @pforge/state-patterns (e.g.
 * the previous commit, built in a `git worktree`) to add its fixed window beside ours, on the
 * same managers, in the same rounds.
 */
import type { StateManager } from '@pforge/state-core';
import { createMemoryState } from '@pforge/state-memory';
import { createFixedWindowLimiter } from '@pforge/state-patterns';
import { createRedisState } from '@pforge/state-redis';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { type BenchCase, inFlight, runWorkloads, type Workload } from '../harness.js';
import { startServer } from '../redis-server.js';

const IDS = 1_000;
const SEQ = 200;
const IN_FLIGHT = 64;
const IN_FLIGHT_TOTAL = 2_000;
const LIMIT = 1_000_000_000;
const WINDOW_MS = 60_000;

const ids = Array.from({ length: IDS }, (_, i) => `client:${i}`);

/** `SEQ` awaited calls one after another per batch. */
const seq = (name: string, op: (id: string) => Promise<unknown>): BenchCase => {
  let i = 0;
  return {
    name,
    run: async () => {
      for (let n = 0; n < SEQ; n++) await op(ids[i++ % IDS]!);
      return SEQ;
    },
  };
};
/** `IN_FLIGHT_TOTAL` calls, `IN_FLIGHT` at a time, per batch. */
const par = (name: string, op: (id: string) => Promise<unknown>): BenchCase => {
  let base = 0;
  return {
    name,
    run: () => {
      base = (base + IN_FLIGHT_TOTAL) % IDS;
      return inFlight(IN_FLIGHT, IN_FLIGHT_TOTAL, (i) => op(ids[(base + i) % IDS]!));
    },
  };
};

/** The book version: read, add, write back (loses updates when calls interleave on a shared store). */
function naiveMapLimiter(): (id: string) => Promise<boolean> {
  const windows = new Map<string, { count: number; expiresAt: number }>();
  return async (id) => {
    const now = Date.now();
    const key = `${id}:${Math.floor(now / WINDOW_MS)}`;
    const e = windows.get(key);
    const count = e && e.expiresAt > now ? e.count + 1 : 1;
    windows.set(key, { count, expiresAt: e && e.expiresAt > now ? e.expiresAt : now + WINDOW_MS });
    return count <= LIMIT;
  };
}

/** INCR then PEXPIRE on a fresh window key, one command at a time. */
function naiveRedisLimiter(redis: Redis): (id: string) => Promise<boolean> {
  return async (id) => {
    const key = `naive:${id}:${Math.floor(Date.now() / WINDOW_MS)}`;
    const n = await redis.incr(key);
    if (n === 1) await redis.pexpire(key, WINDOW_MS);
    return n <= LIMIT;
  };
}

/** What the limiter's one backend call costs on its own: `increment` with ttl on create. */
function incrementOn(state: StateManager): (id: string) => Promise<number> {
  const options = { ttl: 2 * WINDOW_MS };
  return (id) => state.increment(`ref:${id}:${Math.floor(Date.now() / WINDOW_MS)}`, 1, options);
}

type FixedWindowFactory = typeof createFixedWindowLimiter;

/** The previous version's limiter factory, when PATTERNS_PREV names its built entry. */
async function previousFactory(): Promise<FixedWindowFactory | undefined> {
  const entry = process.env.PATTERNS_PREV;
  if (!entry) return undefined;
  const mod = (await import(entry)) as { createFixedWindowLimiter: FixedWindowFactory };
  return mod.createFixedWindowLimiter;
}

export async function run(): Promise<void> {
  const memState = await createMemoryState({ namespace: 'bench-rl' });
  const oursMem = createFixedWindowLimiter(memState, { limit: LIMIT, windowMs: WINDOW_MS });
  const prev = await previousFactory();
  const prevOn = (state: StateManager, wrap: typeof seq): BenchCase[] => {
    if (!prev) return [];
    const limiter = prev(state, { limit: LIMIT, windowMs: WINDOW_MS, prefix: 'rl:prev:' });
    return [wrap('(A/B) PATTERNS_PREV fixed window', (id) => limiter.consume(id))];
  };
  const rlfMem = new RateLimiterMemory({ points: LIMIT, duration: WINDOW_MS / 1000 });
  const naiveMem = naiveMapLimiter();

  const server = await startServer();
  const redisState = await createRedisState({ url: server.url, namespace: 'bench-rl' });
  const oursRedis = createFixedWindowLimiter(redisState, { limit: LIMIT, windowMs: WINDOW_MS });
  const naiveClient = new Redis(server.url);
  const naiveRedis = naiveRedisLimiter(naiveClient);
  const pipelinedClient = new Redis(server.url, { enableAutoPipelining: true });
  const naivePipelined = naiveRedisLimiter(pipelinedClient);
  const rlfClient = new Redis(server.url, { enableOfflineQueue: false });
  const rlfRedis = new RateLimiterRedis({
    storeClient: rlfClient,
    points: LIMIT,
    duration: WINDOW_MS / 1000,
    keyPrefix: 'rlf',
  });

  const cases = (
    wrap: typeof seq,
    naive: (id: string) => Promise<boolean>,
    ours: (id: string) => Promise<unknown>,
    rlf: (id: string) => Promise<unknown>,
    naiveName: string,
  ) => [
    wrap(naiveName, naive),
    wrap('@pforge/state-patterns fixed window (exact)', ours),
    wrap('rate-limiter-flexible', rlf),
  ];

  const workloads: Workload[] = [
    {
      name: 'consume, memory, sequential',
      baseline: 'naive Map counter',
      cases: cases(
        seq,
        naiveMem,
        (id) => oursMem.consume(id),
        (id) => rlfMem.consume(id),
        'naive Map counter',
      ).concat(
        seq("(reference) the memory backend's increment alone", incrementOn(memState)),
        prevOn(memState, seq),
      ),
    },
    {
      name: 'consume, Redis, sequential',
      baseline: 'naive INCR + PEXPIRE',
      cases: cases(
        seq,
        naiveRedis,
        (id) => oursRedis.consume(id),
        (id) => rlfRedis.consume(id),
        'naive INCR + PEXPIRE',
      ).concat(
        seq("(reference) the Redis backend's increment alone", incrementOn(redisState)),
        prevOn(redisState, seq),
      ),
    },
    {
      name: `consume, Redis, ${IN_FLIGHT} in flight`,
      baseline: 'naive INCR + PEXPIRE',
      cases: cases(
        par,
        naiveRedis,
        (id) => oursRedis.consume(id),
        (id) => rlfRedis.consume(id),
        'naive INCR + PEXPIRE',
      ).concat(
        par('naive INCR + PEXPIRE, auto-pipelined client', naivePipelined),
        prevOn(redisState, par),
      ),
    },
  ];
  try {
    await runWorkloads(workloads);
  } finally {
    await memState.close();
    await redisState.close();
    naiveClient.disconnect();
    pipelinedClient.disconnect();
    rlfClient.disconnect();
    server.stop();
  }
}
