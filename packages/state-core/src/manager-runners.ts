/**
 * Each method's body: validate, call the engine's operation (through the issue-order queue
 * when the engine needs it), and turn whatever comes back into a settled promise. Each body is
 * its own function with its own call of its own operation, so V8 keeps every engine call
 * monomorphic (a body shared by all methods made every call megamorphic: ~15% of a memory
 * `increment`).
 */
import type { CompleteOperations, DataMethod, MaybePromise } from './operations.js';
import type { SerialQueue } from './serial-queue.js';
import { toStateError } from './to-state-error.js';
import type { OperationTracer } from './tracing.js';
import type { Validators } from './validators.js';

const RESOLVED_UNDEFINED: Promise<undefined> = Promise.resolve(undefined);
const RESOLVED_TRUE: Promise<boolean> = Promise.resolve(true);
const RESOLVED_FALSE: Promise<boolean> = Promise.resolve(false);

/** A settled promise of `r`; the common answers reuse one shared promise each. */
function settled(r: unknown): Promise<unknown> {
  if (r === undefined) return RESOLVED_UNDEFINED;
  if (r === true) return RESOLVED_TRUE;
  if (r === false) return RESOLVED_FALSE;
  return Promise.resolve(r);
}

/** A method body: arguments in, a promise out, never a throw. */
export type Runner = (
  a?: unknown,
  b?: unknown,
  c?: unknown,
  d?: unknown,
  /** Set only by the slow path itself (never by callers, who pass at most four arguments). */
  inner?: unknown,
) => Promise<unknown>;

/** What the bodies need of their manager. */
export interface RunnerContext {
  readonly ops: CompleteOperations;
  readonly v: Validators;
  readonly source: string;
  readonly queue: SerialQueue | undefined;
  /** The manager's closed state: a closed manager's calls take the slow path. */
  readonly life: { readonly closed: boolean };
  /** The tracer of each method: a call with a subscriber takes the slow path. */
  readonly tracers: Readonly<Record<DataMethod, OperationTracer>>;
  /** The slow path: rejects after close(), or traces `run(...args, true)`. */
  readonly slow: (op: DataMethod, run: Runner, args: unknown[]) => Promise<unknown>;
}

/** What every body shares: its manager's parts and the result/error helpers. */
interface Kit extends RunnerContext {
  /** The engine's answer as a settled promise, errors mapped. */
  out(op: DataMethod, r: MaybePromise<unknown>): Promise<unknown>;
  /** A rejected promise of `err` mapped for `op`. */
  fail(op: DataMethod, err: unknown): Promise<never>;
  /** The validated `ttl` of set options, or `undefined`. */
  ttlOf(options: unknown, key: string): number | undefined;
}

type Runners<M extends DataMethod> = Record<M, Runner>;

/** Every method's body but `keys` (whose iteration lives in manager-keys.ts). */
export function buildRunners(c: RunnerContext): Runners<Exclude<DataMethod, 'keys'>> {
  const rethrow = new Map<string, (err: unknown) => never>();
  const mapErr = (op: string) => {
    let f = rethrow.get(op);
    if (f === undefined) {
      f = (err: unknown) => {
        throw toStateError(err, c.source, op);
      };
      rethrow.set(op, f);
    }
    return f;
  };
  const kit: Kit = {
    ...c,
    out: (op, r) => (r instanceof Promise ? r.then(undefined, mapErr(op)) : settled(r)),
    fail: (op, err) => Promise.reject(toStateError(err, c.source, op)),
    ttlOf: (options, key) => (options === undefined ? undefined : c.v.setOptions(options, key)),
  };
  return { ...keyReaders(kit), ...keyWriters(kit), ...batchRunners(kit) };
}

/** `get`, `delete`, `exists`, `ttl`: one key in. */
function keyReaders(kit: Kit): Runners<'get' | 'delete' | 'exists' | 'ttl'> {
  const { ops, v, queue: q, life, tracers: T, slow, out, fail } = kit;
  const r: Runners<'get' | 'delete' | 'exists' | 'ttl'> = {
    get: (key, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.get.active())) return slow('get', r.get, [key]);
      try {
        const k = v.key(key);
        return out('get', q ? q.run(() => ops.get(k)) : ops.get(k));
      } catch (err) {
        return fail('get', err);
      }
    },
    delete: (key, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.delete.active())) return slow('delete', r.delete, [key]);
      try {
        const k = v.key(key);
        return out('delete', q ? q.run(() => ops.delete(k)) : ops.delete(k));
      } catch (err) {
        return fail('delete', err);
      }
    },
    exists: (key, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.exists.active())) return slow('exists', r.exists, [key]);
      try {
        const k = v.key(key);
        return out('exists', q ? q.run(() => ops.exists(k)) : ops.exists(k));
      } catch (err) {
        return fail('exists', err);
      }
    },
    ttl: (key, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.ttl.active())) return slow('ttl', r.ttl, [key]);
      try {
        const k = v.key(key);
        return out('ttl', q ? q.run(() => ops.ttl(k)) : ops.ttl(k));
      } catch (err) {
        return fail('ttl', err);
      }
    },
  };
  return r;
}

/** `set` and `expire`: one key and what to write. */
function keyWriters(kit: Kit): Runners<'set' | 'expire'> & ReturnType<typeof counterRunners> {
  const { ops, v, queue: q, life, tracers: T, slow, out, fail, ttlOf } = kit;
  const r: Runners<'set' | 'expire'> = {
    set: (key, value, options, _d, inner) => {
      if (!inner && (life.closed || T.set.active()))
        return slow('set', r.set, [key, value, options]);
      try {
        const k = v.key(key);
        const val = v.value(value, k);
        const ttl = ttlOf(options, k);
        return out('set', q ? q.run(() => ops.set(k, val, ttl)) : ops.set(k, val, ttl));
      } catch (err) {
        return fail('set', err);
      }
    },
    expire: (key, ttl, _c, _d, inner) => {
      if (!inner && (life.closed || T.expire.active())) return slow('expire', r.expire, [key, ttl]);
      try {
        const k = v.key(key);
        const t = v.expireTtl(ttl, k);
        return out('expire', q ? q.run(() => ops.expire(k, t)) : ops.expire(k, t));
      } catch (err) {
        return fail('expire', err);
      }
    },
  };
  return { ...r, ...counterRunners(kit) };
}

/** `increment` and `compareAndSwap`: the atomic read-modify-writes. */
function counterRunners(kit: Kit): Runners<'increment' | 'compareAndSwap'> {
  const { ops, v, queue: q, life, tracers: T, slow, out, fail, ttlOf } = kit;
  const r: Runners<'increment' | 'compareAndSwap'> = {
    increment: (key, delta, options, _d, inner) => {
      if (!inner && (life.closed || T.increment.active()))
        return slow('increment', r.increment, [key, delta, options]);
      try {
        const k = v.key(key);
        const d = v.delta(delta, k);
        const ttl = ttlOf(options, k);
        return out(
          'increment',
          q ? q.run(() => ops.increment(k, d, ttl)) : ops.increment(k, d, ttl),
        );
      } catch (err) {
        return fail('increment', err);
      }
    },
    compareAndSwap: (key, expected, next, options, inner) => {
      if (!inner && (life.closed || T.compareAndSwap.active()))
        return slow('compareAndSwap', r.compareAndSwap, [key, expected, next, options]);
      try {
        const k = v.key(key);
        const e = v.optionalValue(expected, k);
        const n = v.optionalValue(next, k);
        const ttl = ttlOf(options, k);
        return out(
          'compareAndSwap',
          q ? q.run(() => ops.compareAndSwap(k, e, n, ttl)) : ops.compareAndSwap(k, e, n, ttl),
        );
      } catch (err) {
        return fail('compareAndSwap', err);
      }
    },
  };
  return r;
}

/** `getMany`, `setMany`, `deleteMany`, `clear`: many keys at once. */
function batchRunners(kit: Kit): Runners<'getMany' | 'setMany' | 'deleteMany' | 'clear'> {
  const { ops, v, queue: q, life, tracers: T, slow, out, fail } = kit;
  const r: Runners<'getMany' | 'setMany' | 'deleteMany' | 'clear'> = {
    getMany: (keys, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.getMany.active())) return slow('getMany', r.getMany, [keys]);
      try {
        const ks = v.keys(keys);
        return out('getMany', q ? q.run(() => ops.getMany(ks)) : ops.getMany(ks));
      } catch (err) {
        return fail('getMany', err);
      }
    },
    setMany: (entries, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.setMany.active()))
        return slow('setMany', r.setMany, [entries]);
      try {
        const es = v.entries(entries);
        return out('setMany', q ? q.run(() => ops.setMany(es)) : ops.setMany(es));
      } catch (err) {
        return fail('setMany', err);
      }
    },
    deleteMany: (keys, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.deleteMany.active()))
        return slow('deleteMany', r.deleteMany, [keys]);
      try {
        const ks = v.keys(keys);
        return out('deleteMany', q ? q.run(() => ops.deleteMany(ks)) : ops.deleteMany(ks));
      } catch (err) {
        return fail('deleteMany', err);
      }
    },
    clear: (options, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.clear.active())) return slow('clear', r.clear, [options]);
      try {
        const p = v.prefix(options);
        return out('clear', q ? q.run(() => ops.clear(p)) : ops.clear(p));
      } catch (err) {
        return fail('clear', err);
      }
    },
  };
  return r;
}
