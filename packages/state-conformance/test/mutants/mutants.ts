import { isStateError, StateError, type StateManager } from '@pforge/state-core';
import { equalBytes, type StoredEntry, type StoreOperations } from '@pforge/state-core/backend';
import { METHODS } from '../../src/harness.js';
import { runConformanceSuite } from '../../src/index.js';
import { createReferenceStore } from '../reference-driver.js';

type Override = (m: StateManager, namespace: string) => Partial<StateManager>;
interface Mutant {
  /** The describe block (concern) that must catch it. */
  caughtBy: string;
  driver?: (
    d: StoreOperations,
    raw: { map: Map<string, StoredEntry>; ns: string },
  ) => StoreOperations;
  override?: Override;
  /** Open every manager on this one namespace (the override namespaces keys itself). */
  sharedNamespace?: boolean;
}

const tick = () => new Promise((r) => setImmediate(r));

/** Each breaks one rule of the contract's "Rules every backend keeps" (docs/contract.md); the suite must catch each. */
export const MUTANTS: Record<string, Mutant> = {
  'aliased-get': {
    caughtBy: 'values',
    override: (m) => {
      const last = new Map<string, Uint8Array>();
      return {
        get: async (k) => {
          const v = await m.get(k);
          const prev = last.get(k);
          if (v && prev && prev.byteLength === v.byteLength) return prev;
          if (v) last.set(k, v);
          return v;
        },
      };
    },
  },
  'set-keeps-expiry': {
    caughtBy: 'ttl',
    override: (m) => ({
      set: async (k, v, o) => {
        const left =
          o?.ttl === undefined && typeof k === 'string' && k !== ''
            ? await m.ttl(k).catch(() => undefined)
            : undefined;
        return m.set(k, v, typeof left === 'number' ? { ttl: left } : o);
      },
    }),
  },
  'ttl-zero-means-none': {
    caughtBy: 'ttl',
    override: (m) => ({ set: (k, v, o) => m.set(k, v, o?.ttl === 0 ? {} : o) }),
  },
  'expired-delete-true': {
    caughtBy: 'ttl',
    driver: (d) => ({
      ...d,
      remove: async (k) => (await d.read!(k)) !== undefined || k.includes('dead'),
    }),
  },
  'non-atomic-batches': {
    caughtBy: 'batches',
    driver: ({ setMany: _w, deleteMany: _r, ...d }) => ({
      ...d,
      write: async (k, e) => {
        await tick();
        return d.write!(k, e);
      },
      remove: async (k) => {
        await tick();
        return d.remove!(k);
      },
    }),
  },
  // Only the five primitives: the base's derived setMany/deleteMany write one key at a time,
  // so a reader can see half a batch even with no I/O at all.
  'derived-batches': {
    caughtBy: 'batches',
    driver: ({ setMany: _w, deleteMany: _r, ...d }) => d,
  },
  // Returned values carved from one shared slab, as a pooled allocator would.
  'slab-values': {
    caughtBy: 'ownership',
    override: (m) => {
      const slab = new ArrayBuffer(64 * 1024);
      let at = 0;
      const carve = (v: Uint8Array | undefined) => {
        if (v === undefined) return v;
        if (at + v.byteLength > slab.byteLength) at = 0;
        const out = new Uint8Array(slab, at, v.byteLength);
        out.set(v);
        at += v.byteLength;
        return out;
      };
      return {
        get: async (k) => carve(await m.get(k)),
        getMany: async (ks) => (await m.getMany(ks)).map(carve),
      };
    },
  },
  // A set that lands a tick later, so a call issued after it overtakes it.
  'late-set': {
    caughtBy: 'order',
    override: (m) => ({
      set: async (k, v, o) => {
        const copy = v instanceof Uint8Array ? new Uint8Array(v) : v;
        await tick();
        return m.set(k, copy, o);
      },
    }),
  },
  // Read-modify-writes that compare only the value bytes: a concurrent expire is lost.
  'value-only-swap': {
    caughtBy: 'concurrency',
    driver: (d, { map, ns }) => ({
      ...d,
      swap: async (k, expected, next) => {
        const cur = map.get(ns + k);
        const same =
          cur === undefined || expected === undefined
            ? cur === expected
            : equalBytes(cur.value, expected.value);
        if (!same) return false;
        if (next === undefined) map.delete(ns + k);
        else map.set(ns + k, next);
        return true;
      },
    }),
  },
  // Methods that need their `this`, as class methods do.
  'this-bound': {
    caughtBy: 'errors',
    override: (m) => {
      const self = {
        inner: m,
        get(this: { inner: StateManager }, k: string) {
          return this.inner.get(k);
        },
      };
      return { get: self.get as StateManager['get'] };
    },
  },
  'deleteMany-counts-duplicates': {
    caughtBy: 'batches',
    override: (m) => ({
      deleteMany: async (keys) => {
        const live = await m.getMany(keys);
        await m.deleteMany(keys);
        return live.filter((v) => v !== undefined).length;
      },
    }),
  },
  'glob-prefix': {
    caughtBy: 'keys',
    override: (m) => ({
      keys: (o) => {
        const p = o?.prefix ?? '';
        const re = new RegExp(
          `^${p
            .replace(/[.+^${}()|\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}`,
        );
        return (async function* () {
          for await (const k of m.keys()) if (re.test(k)) yield k;
        })();
      },
    }),
  },
  'keys-twice': {
    caughtBy: 'keys',
    override: (m) => ({
      keys: (o) =>
        (async function* () {
          const all: string[] = [];
          for await (const k of m.keys(o)) all.push(k);
          yield* all;
          yield* all.slice(0, 1);
        })(),
    }),
  },
  'naive-namespace': {
    caughtBy: 'namespaces',
    sharedNamespace: true,
    override: (m, ns) => ({
      get: (k) => m.get(`${ns}:${k}`),
      set: (k, v, o) => m.set(`${ns}:${k}`, v, o),
      exists: (k) => m.exists(`${ns}:${k}`),
      clear: () => m.clear({ prefix: `${ns}:` }),
      keys: () =>
        (async function* () {
          for await (const k of m.keys({ prefix: `${ns}:` })) yield k.slice(ns.length + 1);
        })(),
    }),
  },
  'lenient-counter': {
    caughtBy: 'counters',
    override: (m) => ({
      increment: async (k, d, o) => {
        const v = await m.get(k).catch(() => undefined);
        const text = v && Buffer.from(v).toString().trim();
        if (text && /^[+-]?\d+$/.test(text)) await m.set(k, Buffer.from(String(Number(text))));
        return m.increment(k, d, o);
      },
    }),
  },
  'counter-ttl-always': {
    caughtBy: 'counters',
    override: (m) => ({
      increment: async (k, d, o) => {
        const n = await m.increment(k, d, o);
        if (o?.ttl) await m.expire(k, o.ttl);
        return n;
      },
    }),
  },
  'cas-empty-is-absent': {
    caughtBy: 'compareAndSwap',
    override: (m) => ({
      compareAndSwap: (k, e, n, o) =>
        m.compareAndSwap(k, e?.byteLength === 0 ? undefined : e, n, o),
    }),
  },
  'sync-throw': {
    caughtBy: 'errors',
    override: (m) => ({
      exists: (k) => {
        if (typeof k !== 'string') throw new TypeError('key must be a string');
        return m.exists(k);
      },
    }),
  },
  'plain-errors': {
    caughtBy: 'errors',
    override: (m) => ({
      set: (k, v, o) =>
        m.set(k, v, o).catch((err: unknown) => {
          throw isStateError(err, 'ERR_STATE_INVALID_VALUE') ? new Error(err.message) : err;
        }),
    }),
  },
  'usable-after-close': {
    caughtBy: 'lifecycle',
    override: () => ({ close: async () => {} }),
  },
  'lost-increments': {
    caughtBy: 'concurrency',
    override: (m) => ({
      increment: async (k, d = 1) => {
        const v = await m.get(k);
        await tick();
        const n = (v ? Number(Buffer.from(v).toString()) : 0) + d;
        await m.set(k, Buffer.from(String(n)));
        return n;
      },
    }),
  },
  'wrong-closed-code': {
    caughtBy: 'lifecycle',
    override: (m) => ({
      ttl: (k) =>
        m.ttl(k).catch((err: unknown) => {
          throw isStateError(err, 'ERR_STATE_CLOSED')
            ? new StateError('ERR_STATE_BACKEND', 'closed')
            : err;
        }),
    }),
  },
  'partial-setMany': {
    caughtBy: 'batches',
    override: (m) => ({
      setMany: async (entries) => {
        if (!Array.isArray(entries)) return m.setMany(entries);
        for (const e of entries)
          await m.set(e?.key, e?.value, e && 'ttl' in e ? { ttl: e.ttl } : undefined);
      },
    }),
  },
};

/** Registers the conformance suite on mutant `name` (fast timings: the point is what fails). */
export function runMutant(name: string): void {
  const mutant = MUTANTS[name]!;
  const store = createReferenceStore(mutant.driver);
  runConformanceSuite({
    name: `mutant ${name}`,
    timing: { shortTtlMs: 30, slackMs: 80 },
    fastCheck: { modelRuns: 15, fuzzRuns: 150 },
    create: ({ namespace }) => {
      const base = store.open(mutant.sharedNamespace ? 'shared' : namespace);
      if (!mutant.override) return base;
      return Object.assign(Object.create(null), bindAll(base), mutant.override(base, namespace));
    },
  });
}

function bindAll(m: StateManager): StateManager {
  const out: Record<string | symbol, unknown> = {};
  for (const k of [...METHODS, 'close'] as const) {
    out[k] = (m[k] as (...a: unknown[]) => unknown).bind(m);
  }
  out[Symbol.asyncDispose] = () => (out.close as () => Promise<void>)();
  return out as unknown as StateManager;
}
