/**
 * memory group: @pforge/state-memory against `Map + copy`, the honest floor for an API that
 * owns its bytes (a `Map` of `{ value, expiresAt }` that copies with `v.slice()` on the way in
 * and out and checks the expiry on every read): the ratios are taken against it. Also in the
 * table: a raw `Map` wrapped in async functions (no copies, no expiry), lru-cache with TTL,
 * Keyv 5 (in-memory, its serializer off: its default one does not round-trip a Uint8Array)
 * and unstorage's memory driver (raw item API; it has no TTL).
 *
 * A/B: `MEMORY_AB='prev=/path/to/dist/index.js;other=…'` adds a case per built entry (e.g.
 * the previous commit's `@pforge/state-memory`, built in a git worktree), in the same rounds.
 * `MEMORY_WORKLOADS='get 4 KiB,getMany'` runs only the workloads whose names contain one of
 * the strings (to profile one), and `MEMORY_HEAP=0` skips the bytes-per-key table.
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
const BIG_KEYS = 1_000;
const BIG_BYTES = 4 * 1024;
const BATCH = 1_000;
const TTL_MS = 3_600_000;

const keys = Array.from({ length: KEYS }, (_, i) => `key:${i}`);
const counterKeys = Array.from({ length: 100 }, (_, i) => `count:${i}`);
const bigKeys = Array.from({ length: BIG_KEYS }, (_, i) => `big:${i}`);
const value = new Uint8Array(VALUE_BYTES).fill(7);
const bigValue = new Uint8Array(BIG_BYTES).fill(9);
const many = Array.from({ length: KEYS / 100 }, (_, b) => keys.slice(b * 100, b * 100 + 100));
const manyEntries = many.map((ks) => ks.map((key) => ({ key, value })));

interface BenchEntry {
  key: string;
  value: Uint8Array;
  ttl?: number;
}

/** The common surface every implementation is driven through. */
interface Impl {
  name: string;
  get(key: string): Promise<unknown>;
  set(key: string, v: Uint8Array, ttl?: number): Promise<unknown>;
  getMany(ks: string[]): Promise<unknown>;
  setMany(entries: BenchEntry[]): Promise<unknown>;
  /** Only where a counter is native (ours, and a naive one on the Map). */
  increment?(key: string): Promise<unknown>;
  close(): Promise<void>;
}

const MAP_COPY = 'Map + copy';

function mapCopy(): Impl {
  const map = new Map<string, { value: Uint8Array; expiresAt: number | undefined }>();
  const counters = new Map<string, number>();
  const read = (k: string) => {
    const e = map.get(k);
    if (e === undefined) return undefined;
    if (e.expiresAt !== undefined && e.expiresAt <= Date.now()) {
      map.delete(k);
      return undefined;
    }
    return e.value.slice();
  };
  const write = (k: string, v: Uint8Array, ttl: number | undefined, now: number) => {
    map.set(k, { value: v.slice(), expiresAt: ttl === undefined ? undefined : now + ttl });
  };
  return {
    name: MAP_COPY,
    get: async (k) => read(k),
    set: async (k, v, ttl) => write(k, v, ttl, ttl === undefined ? 0 : Date.now()),
    getMany: async (ks) => ks.map(read),
    setMany: async (es) => {
      const now = Date.now();
      for (const e of es) write(e.key, e.value, e.ttl, now);
    },
    increment: async (k) => {
      // A naive counter: the number kept beside the bytes, no parse, no expiry kept.
      const e = counters.get(k);
      const n = (e ?? 0) + 1;
      counters.set(k, n);
      return n;
    },
    close: async () => map.clear(),
  };
}

function rawMap(): Impl {
  const map = new Map<string, Uint8Array>();
  return {
    name: 'raw Map (async, no copy, no TTL)',
    get: async (k) => map.get(k),
    set: async (k, v) => {
      map.set(k, v);
    },
    getMany: async (ks) => ks.map((k) => map.get(k)),
    setMany: async (es) => {
      for (const e of es) map.set(e.key, e.value);
    },
    close: async () => map.clear(),
  };
}

type CreateMemoryState = typeof createMemoryState;

function pforge(create: CreateMemoryState, name: string): () => Impl {
  return () => {
    const s = create();
    return {
      name,
      get: (k) => s.get(k),
      set: (k, v, ttl) => (ttl === undefined ? s.set(k, v) : s.set(k, v, { ttl })),
      getMany: (ks) => s.getMany(ks),
      setMany: (es) => s.setMany(es),
      increment: (k) => s.increment(k),
      close: () => s.close(),
    };
  };
}

function lru(): Impl {
  // Sized for the largest data set here (the 100k-key heap measure); it preallocates by `max`.
  const c = new LRUCache<string, Uint8Array>({ max: 100_000 });
  return {
    name: 'lru-cache (TTL, no copy)',
    get: async (k) => c.get(k),
    set: async (k, v, ttl) => {
      c.set(k, v, ttl === undefined ? undefined : { ttl });
    },
    getMany: async (ks) => ks.map((k) => c.get(k)),
    setMany: async (es) => {
      for (const e of es) c.set(e.key, e.value);
    },
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
    setMany: (es) => k.setMany(es),
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
    setMany: (es) => Promise.all(es.map((e) => s.setItemRaw(e.key, e.value))),
    close: () => s.dispose(),
  };
}

/** The A/B cases named by `MEMORY_AB` (`label=path;label=path`), each a built entry. */
async function abFactories(): Promise<(() => Impl)[]> {
  const spec = process.env.MEMORY_AB ?? '';
  const out: (() => Impl)[] = [];
  for (const item of spec.split(';').filter(Boolean)) {
    const [label, path] = item.split('=') as [string, string];
    const mod = (await import(path)) as { createMemoryState: CreateMemoryState };
    out.push(pforge(mod.createMemoryState, `(A/B) ${label}`));
  }
  return out;
}

function sequential(impl: Impl, op: (impl: Impl, i: number) => Promise<unknown>): BenchCase {
  let i = 0;
  return {
    name: impl.name,
    run: async () => {
      for (let n = 0; n < BATCH; n++) await op(impl, i++);
      return BATCH;
    },
  };
}

function batched(impl: Impl, op: (impl: Impl, b: number) => Promise<unknown>): BenchCase {
  let b = 0;
  return {
    name: impl.name,
    run: async () => {
      for (let n = 0; n < 10; n++) await op(impl, b++ % many.length);
      return 1_000; // 10 batches of 100 keys
    },
  };
}

function workloads(impls: Impl[]): Workload[] {
  const fill = async () => {
    for (const impl of impls) for (const k of keys) await impl.set(k, value);
  };
  const fillBig = async () => {
    for (const impl of impls) for (const k of bigKeys) await impl.set(k, bigValue);
  };
  const each = (op: (impl: Impl, i: number) => Promise<unknown>) =>
    impls.map((m) => sequential(m, op));
  const w = (name: string, cases: BenchCase[], setup?: () => Promise<void>): Workload => ({
    name,
    baseline: MAP_COPY,
    cases,
    ...(setup ? { setup } : {}),
  });
  return [
    w(
      'get hit',
      each((x, i) => x.get(keys[i % KEYS]!)),
      fill,
    ),
    w(
      'set',
      each((x, i) => x.set(keys[i % KEYS]!, value)),
    ),
    w(
      'set with TTL',
      each((x, i) => x.set(keys[i % KEYS]!, value, TTL_MS)),
    ),
    w(
      '90/10 get/set, 64 in flight',
      impls.map((m) => mixed(m)),
      fill,
    ),
    w(
      'getMany of 100 (keys/s)',
      impls.map((m) => batched(m, (x, b) => x.getMany(many[b]!))),
      fill,
    ),
    w(
      'get 4 KiB',
      each((x, i) => x.get(bigKeys[i % BIG_KEYS]!)),
      fillBig,
    ),
    w(
      'setMany of 100 (keys/s)',
      impls.map((m) => batched(m, (x, b) => x.setMany(manyEntries[b]!))),
    ),
    w(
      'increment',
      impls
        .filter((m) => m.increment)
        .map((m) => sequential(m, (x, i) => x.increment!(counterKeys[i % 100]!))),
    ),
  ];
}

function mixed(m: Impl): BenchCase {
  return {
    name: m.name,
    run: () =>
      inFlight(64, BATCH, (i) =>
        i % 10 === 0 ? m.set(keys[i]!, value) : m.get(keys[(i * 7) % KEYS]!),
      ),
  };
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

async function printHeapTable(factories: (() => Impl)[]): Promise<void> {
  const count = 100_000;
  console.log(
    `\nBytes per key, ${count.toLocaleString('en-US')} keys of ${VALUE_BYTES}-byte values with TTL, each implementation measured alone (JS heap + ArrayBuffer memory; the raw Map and unstorage keep no TTL):\n`,
  );
  console.log(
    '| implementation | heap B/key | heap + ArrayBuffers B/key | ratio to lru-cache (total) |\n|---|---:|---:|---:|',
  );
  const rows = [];
  for (const make of factories) rows.push(await heapPerKey(make, count));
  const ref = rows.find((r) => r.name.startsWith('lru-cache'))?.total ?? Number.NaN;
  for (const r of rows) {
    const ratio = (r.total / ref).toFixed(2);
    console.log(`| ${r.name} | ${Math.round(r.heap)} | ${Math.round(r.total)} | ${ratio}× |`);
  }
}

/** Runs the group; prints Markdown rows. */
export async function run(): Promise<void> {
  const factories = [
    mapCopy,
    pforge(createMemoryState, '@pforge/state-memory'),
    ...(await abFactories()),
    rawMap,
    lru,
    keyv,
    unstorage,
  ];
  const impls = factories.map((f) => f());
  const only = (process.env.MEMORY_WORKLOADS ?? '').split(',').filter(Boolean);
  const chosen = workloads(impls).filter(
    (w) => only.length === 0 || only.some((s) => w.name.includes(s)),
  );
  await runWorkloads(chosen);
  for (const impl of impls) await impl.close();
  if (process.env.MEMORY_HEAP !== '0') await printHeapTable(factories);
}
