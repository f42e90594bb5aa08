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

/** Every method's body but `keys` (whose iteration lives in manager-keys.ts). */
export function buildRunners(c: RunnerContext): Record<Exclude<DataMethod, 'keys'>, Runner> {
  const { ops, v, source, queue: q, life, tracers: T, slow } = c;
  const rethrow = new Map<string, (err: unknown) => never>();
  const mapErr = (op: string) => {
    let f = rethrow.get(op);
    if (f === undefined) {
      f = (err: unknown) => {
        throw toStateError(err, source, op);
      };
      rethrow.set(op, f);
    }
    return f;
  };
  const out = <T>(op: DataMethod, r: MaybePromise<T>): Promise<unknown> =>
    r instanceof Promise ? r.then(undefined, mapErr(op)) : settled(r);
  const fail = (op: DataMethod, err: unknown) => Promise.reject(toStateError(err, source, op));
  const ttlOf = (options: unknown, key: string) =>
    options === undefined ? undefined : v.setOptions(options, key);

  const runners: Record<Exclude<DataMethod, 'keys'>, Runner> = {
    get: (key, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.get.active())) return slow('get', runners.get, [key]);
      try {
        const k = v.key(key);
        return out('get', q ? q.run(() => ops.get(k)) : ops.get(k));
      } catch (err) {
        return fail('get', err);
      }
    },
    set: (key, value, options, _d, inner) => {
      if (!inner && (life.closed || T.set.active()))
        return slow('set', runners.set, [key, value, options]);
      try {
        const k = v.key(key);
        const val = v.value(value, k);
        const ttl = ttlOf(options, k);
        return out('set', q ? q.run(() => ops.set(k, val, ttl)) : ops.set(k, val, ttl));
      } catch (err) {
        return fail('set', err);
      }
    },
    delete: (key, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.delete.active()))
        return slow('delete', runners.delete, [key]);
      try {
        const k = v.key(key);
        return out('delete', q ? q.run(() => ops.delete(k)) : ops.delete(k));
      } catch (err) {
        return fail('delete', err);
      }
    },
    exists: (key, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.exists.active()))
        return slow('exists', runners.exists, [key]);
      try {
        const k = v.key(key);
        return out('exists', q ? q.run(() => ops.exists(k)) : ops.exists(k));
      } catch (err) {
        return fail('exists', err);
      }
    },
    getMany: (keys, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.getMany.active()))
        return slow('getMany', runners.getMany, [keys]);
      try {
        const ks = v.keys(keys);
        return out('getMany', q ? q.run(() => ops.getMany(ks)) : ops.getMany(ks));
      } catch (err) {
        return fail('getMany', err);
      }
    },
    setMany: (entries, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.setMany.active()))
        return slow('setMany', runners.setMany, [entries]);
      try {
        const es = v.entries(entries);
        return out('setMany', q ? q.run(() => ops.setMany(es)) : ops.setMany(es));
      } catch (err) {
        return fail('setMany', err);
      }
    },
    deleteMany: (keys, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.deleteMany.active()))
        return slow('deleteMany', runners.deleteMany, [keys]);
      try {
        const ks = v.keys(keys);
        return out('deleteMany', q ? q.run(() => ops.deleteMany(ks)) : ops.deleteMany(ks));
      } catch (err) {
        return fail('deleteMany', err);
      }
    },
    increment: (key, delta, options, _d, inner) => {
      if (!inner && (life.closed || T.increment.active()))
        return slow('increment', runners.increment, [key, delta, options]);
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
        return slow('compareAndSwap', runners.compareAndSwap, [key, expected, next, options]);
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
    ttl: (key, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.ttl.active())) return slow('ttl', runners.ttl, [key]);
      try {
        const k = v.key(key);
        return out('ttl', q ? q.run(() => ops.ttl(k)) : ops.ttl(k));
      } catch (err) {
        return fail('ttl', err);
      }
    },
    expire: (key, ttl, _c, _d, inner) => {
      if (!inner && (life.closed || T.expire.active()))
        return slow('expire', runners.expire, [key, ttl]);
      try {
        const k = v.key(key);
        const t = v.expireTtl(ttl, k);
        return out('expire', q ? q.run(() => ops.expire(k, t)) : ops.expire(k, t));
      } catch (err) {
        return fail('expire', err);
      }
    },
    clear: (options, _b, _c, _d, inner) => {
      if (!inner && (life.closed || T.clear.active()))
        return slow('clear', runners.clear, [options]);
      try {
        const p = v.prefix(options);
        return out('clear', q ? q.run(() => ops.clear(p)) : ops.clear(p));
      } catch (err) {
        return fail('clear', err);
      }
    },
  };
  return runners;
}
