/**
 * memory group: @pforge/state-memory against a raw `Map` wrapped in async functions (the
 * baseline: no validation, no copies, no expiry), lru-cache with TTL, Keyv 5 (in-memory, its
 * serializer off: its default one does not round-trip a Uint8Array) and unstorage's memory driver (raw item API; it has no TTL).
 * Ours copies values in and out and checks expiry on every read, as SPEC requires.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMemoryState } from '@pforge/state-memory';
import Keyv from 'keyv';
import { LRUCache } from 'lru-cache';
import { createStorage } from 'unstorage';
import memoryDriver from 'unstorage/drivers/memory';
import { type BenchCase, inFlight, runWorkloads, type Workload } from '../harness.js';

const KEYS = 10_000;
const VALUE_BYTES = 100;
const BATCH = 1_000;
const TTL_MS = 3_600_000;

const keys = Array.from({ length: KEYS }, (_, i) => `key:${i}`);
const value = new Uint8Array(VALUE_BYTES).fill(7);
const many = Array.from({ length: KEYS / 100 }, (_, b) => keys.slice(b * 100, b * 100 + 100));
const entriesOf = (ks: string[], ttl?: number) =>
  ks.map((key) => (ttl === undefined ? { key, value } : { key, value, ttl }));
const manyEntries = many.map((ks) => entriesOf(ks));

/** The common surface every implementation is driven through. */
interface Impl {
  name: string;
  get(key: string): Promise<unknown>;
  set(key: string, v: Uint8Array, ttl?: number): Promise<unknown>;
  getMany(ks: string[]): Promise<unknown>;
  setMany(ks: string[], entries: { key: string; value: Uint8Array }[]): Promise<unknown>;
  size(): number;
  close(): Promise<void>;
}

function rawMap(): Impl {
  const map = new Map<string, Uint8Array>();
  return {
    name: 'raw Map (async)',
    get: async (k) => map.get(k),
    set: async (k, v) => {
      map.set(k, v);
    },
    getMany: async (ks) => ks.map((k) => map.get(k)),
    setMany: async (_ks, es) => {
      for (const e of es) map.set(e.key, e.value);
    },
    size: () => map.size,
    close: async () => map.clear(),
  };
}

function ours(): Impl {
  const s = createMemoryState();
  return {
    name: '@pforge/state-memory',
    get: (k) => s.get(k),
    set: (k, v, ttl) => (ttl === undefined ? s.set(k, v) : s.set(k, v, { ttl })),
    getMany: (ks) => s.getMany(ks),
    setMany: (_ks, es) => s.setMany(es),
    size: () => 0,
    close: () => s.close(),
  };
}

function lru(): Impl {
  // Sized for the largest data set here (the 100k-key heap measure); it preallocates by `max`.
  const c = new LRUCache<string, Uint8Array>({ max: 100_000 });
  return {
    name: 'lru-cache (TTL)',
    get: async (k) => c.get(k),
    set: async (k, v, ttl) => {
      c.set(k, v, ttl === undefined ? undefined : { ttl });
    },
    getMany: async (ks) => ks.map((k) => c.get(k)),
    setMany: async (_ks, es) => {
      for (const e of es) c.set(e.key, e.value);
    },
    size: () => c.size,
    close: async () => c.clear(),
  };
}

function keyv(): Impl {
  // Without a serializer: Keyv's default one turns a Uint8Array into a plain object.
  const k = new Keyv<Uint8Array>({ serialize: undefined, deserialize: undefined });
  return {
    name: 'Keyv 5 (in-memory, no serializer)',
    get: (key) => k.get(key),
    set: (key, v, ttl) => k.set(key, v, ttl),
    getMany: (ks) => k.getMany(ks),
    setMany: (_ks, es) => k.setMany(es),
    size: () => 0,
    close: () => k.clear(),
  };
}

function unstorage(): Impl {
  const s = createStorage({ driver: memoryDriver() });
  return {
    name: 'unstorage memory (no TTL)',
    get: (k) => s.getItemRaw(k),
    set: (k, v) => s.setItemRaw(k, v),
    getMany: (ks) => Promise.all(ks.map((k) => s.getItemRaw(k))),
    setMany: (_ks, es) => Promise.all(es.map((e) => s.setItemRaw(e.key, e.value))),
    size: () => 0,
    close: () => s.dispose(),
  };
}

const factories = [rawMap, ours, lru, keyv, unstorage];

function sequential(impl: Impl, op: (impl: Impl, i: number) => Promise<unknown>): BenchCase {
  let i = 0;
  return {
    name: impl.name,
    run: async () => {
      for (let n = 0; n < BATCH; n++) await op(impl, i++ % KEYS);
      return BATCH;
    },
  };
}

function workloads(impls: Impl[]): Workload[] {
  const [raw] = impls;
  const fill = async () => {
    for (const impl of impls) for (const k of keys) await impl.set(k, value);
  };
  const batched = (op: (impl: Impl, b: number) => Promise<unknown>) => (impl: Impl) => {
    let b = 0;
    return {
      name: impl.name,
      run: async () => {
        for (let n = 0; n < 10; n++) await op(impl, b++ % many.length);
        return 1_000; // 10 batches of 100 keys
      },
    };
  };
  return [
    {
      name: 'get hit',
      baseline: raw!.name,
      setup: fill,
      cases: impls.map((m) => sequential(m, (x, i) => x.get(keys[i]!))),
    },
    {
      name: 'set',
      baseline: raw!.name,
      cases: impls.map((m) => sequential(m, (x, i) => x.set(keys[i]!, value))),
    },
    {
      name: 'set with TTL',
      baseline: raw!.name,
      cases: [
        sequential(raw!, (x, i) => x.set(keys[i]!, value)),
        ...impls.slice(1).map((m) => sequential(m, (x, i) => x.set(keys[i]!, value, TTL_MS))),
      ],
    },
    {
      name: 'getMany of 100 (keys/s)',
      baseline: raw!.name,
      setup: fill,
      cases: impls.map(batched((x, b) => x.getMany(many[b]!))),
    },
    {
      name: 'setMany of 100 (keys/s)',
      baseline: raw!.name,
      cases: impls.map(batched((x, b) => x.setMany(many[b]!, manyEntries[b]!))),
    },
    {
      name: '90/10 get/set, 64 in flight',
      baseline: raw!.name,
      setup: fill,
      cases: impls.map((m) => ({
        name: m.name,
        run: () =>
          inFlight(64, BATCH, (i) =>
            i % 10 === 0 ? m.set(keys[i]!, value) : m.get(keys[(i * 7) % KEYS]!),
          ),
      })),
    },
  ];
}

// ---- heap bytes per key -------------------------------------------------------------------

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const used = () => {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, buffers: m.arrayBuffers };
};

async function settle() {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}

async function heapPerKey(
  make: () => Impl,
  count: number,
): Promise<{ name: string; heap: number; total: number }> {
  await settle();
  const before = used();
  const impl = make();
  for (let i = 0; i < count; i++) {
    const v = new Uint8Array(VALUE_BYTES); // a fresh value per key, as an application makes them
    v[0] = i & 255;
    await impl.set(`key:${i}`, v, TTL_MS);
  }
  await settle();
  const after = used();
  await impl.close();
  const heap = (after.heap - before.heap) / count;
  return { name: impl.name, heap, total: heap + (after.buffers - before.buffers) / count };
}

/** Runs the group; prints Markdown rows. */
export async function run(): Promise<void> {
  const impls = factories.map((f) => f());
  await runWorkloads(workloads(impls));
  for (const impl of impls) await impl.close();
  const count = 100_000;
  console.log(
    `\nBytes per key, ${count.toLocaleString('en-US')} keys of ${VALUE_BYTES}-byte values with TTL, each implementation measured alone (JS heap + ArrayBuffer memory; the raw Map and unstorage keep no TTL):\n`,
  );
  console.log(
    '| implementation | heap B/key | heap + ArrayBuffers B/key | ratio to raw Map |\n|---|---:|---:|---:|',
  );
  let raw: number | undefined;
  for (const make of factories) {
    const r = await heapPerKey(make, count);
    raw ??= r.total;
    console.log(
      `| ${r.name} | ${Math.round(r.heap)} | ${Math.round(r.total)} | ${(r.total / raw).toFixed(2)}× |`,
    );
  }
}
