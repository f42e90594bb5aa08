import { completeOperations } from './derive.js';
import { attachStateInfo } from './info.js';
import { iterateKeys } from './manager-keys.js';
import {
  type CompleteOperations,
  DATA_METHODS,
  type DataMethod,
  type MaybePromise,
  type StoreOperations,
} from './operations.js';
import { SerialQueue } from './serial-queue.js';
import { closedError, toStateError } from './to-state-error.js';
import { type OperationTracer, traceContext, tracerFor } from './tracing.js';
import type { StateManager } from './types.js';
import { createValidators, type Validators } from './validators.js';

/** Runs an extra method of a backend the way the base runs its own: closed check, errors. */
export type GuardedCall = <T>(op: string, call: () => MaybePromise<T>) => Promise<T>;

/** What {@link createManager} takes. */
export interface ManagerSpec<X extends object = {}> {
  /** The package named in every message. @example '@acme/state-foo' */
  source: string;
  /** The backend name as written in config, for stateInfo and tracing. @example 'foo' */
  backend: string;
  /** The namespace the operations work in (already validated). */
  namespace: string;
  /** The backend's operations (see {@link StoreOperations}). */
  operations: StoreOperations;
  /**
   * The operations take effect in the order they are called, awaited or not (a synchronous
   * engine, one connection, an ordered write queue). When `false`, the base runs each call
   * after the previous one settled, which keeps SPEC's order at the cost of concurrency.
   * @default false
   */
  keepsIssueOrder?: boolean;
  /** Every call settles in this process, with no network or peer to wait for. @default false */
  settlesLocally?: boolean;
  /** Extra members of the manager (e.g. `path`, `stats()`), run through `guard`. */
  extend?: (guard: GuardedCall) => X;
}

// biome-ignore lint/suspicious/noExplicitAny: each operation has its own parameter types
type Call = (...args: any[]) => unknown;
type Body = (a: unknown, b: unknown, c: unknown, d: unknown) => Promise<unknown>;

const RESOLVED_UNDEFINED: Promise<undefined> = Promise.resolve(undefined);
const RESOLVED_TRUE: Promise<boolean> = Promise.resolve(true);
const RESOLVED_FALSE: Promise<boolean> = Promise.resolve(false);
const TRACERS = new Map<string, OperationTracer>(DATA_METHODS.map((m) => [m, tracerFor(m)]));

/** A settled promise of `r`; the common answers reuse one shared promise each. */
function settled(r: unknown): Promise<unknown> {
  if (r === undefined) return RESOLVED_UNDEFINED;
  if (r === true) return RESOLVED_TRUE;
  if (r === false) return RESOLVED_FALSE;
  return Promise.resolve(r);
}

/**
 * Builds a complete {@link StateManager} from a backend's operations. The base owns what
 * every backend shares: argument validation before any I/O, the closed state and
 * `ERR_STATE_CLOSED`, one error mapping (`ERR_STATE_BACKEND` for whatever is not a
 * `StateError`), methods that work detached (`const { get } = state`), `await using`,
 * issue order where the engine does not keep it, tracing (`pforge:state:<op>` channels) and
 * `stateInfo`. Operations the backend leaves out are derived (see {@link StoreOperations}).
 * @example
 * const state = createManager({
 *   source: '@acme/state-foo', backend: '@acme/state-foo', namespace: 'app',
 *   operations: { read, write, remove, swap, scan },
 * });
 */
export function createManager<X extends object = {}>(spec: ManagerSpec<X>): StateManager & X {
  const { source, backend, namespace } = spec;
  const ops = completeOperations(spec.operations, source);
  const queue = spec.keepsIssueOrder ? undefined : new SerialQueue();
  const life = { closed: false, closing: undefined as Promise<void> | undefined };
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

  /** Calls the operation `fn` (in order, through the queue, when the engine needs it). */
  const call = (op: DataMethod, fn: Call, a?: unknown, b?: unknown, c?: unknown, d?: unknown) => {
    let r: unknown;
    try {
      r =
        queue === undefined ? fn.call(ops, a, b, c, d) : queue.run(() => fn.call(ops, a, b, c, d));
    } catch (err) {
      return Promise.reject(toStateError(err, source, op));
    }
    return r instanceof Promise ? r.then(undefined, mapErr(op)) : settled(r);
  };

  const method = (op: DataMethod, body: Body) => {
    const tracer = TRACERS.get(op)!;
    return (a?: unknown, b?: unknown, c?: unknown, d?: unknown): Promise<unknown> => {
      if (life.closed) return Promise.reject(closedError(source, op));
      if (tracer.active()) return traced(tracer, op, body, [a, b, c, d]);
      try {
        return body(a, b, c, d);
      } catch (err) {
        return Promise.reject(toStateError(err, source, op));
      }
    };
  };

  const traced = (tracer: OperationTracer, op: DataMethod, body: Body, args: unknown[]) => {
    const ctx = traceContext(op, backend, namespace, countKeys(op, args[0]));
    const run = async () => {
      try {
        return await body(args[0], args[1], args[2], args[3]);
      } catch (err) {
        const e = toStateError(err, source, op);
        ctx.errorCode = e.code;
        throw e;
      }
    };
    return tracer.channel.tracePromise(run, ctx);
  };

  const bodies = methodBodies(ops, createValidators(source), call);
  const manager = {} as Record<string, unknown>;
  for (const op of DATA_METHODS) {
    if (op !== 'keys') manager[op] = method(op, bodies[op as Exclude<DataMethod, 'keys'>]);
  }
  const keysCtx = { source, backend, namespace, life, validators: createValidators(source) };
  manager.keys = (options?: unknown) => iterateKeys(keysCtx, ops, options, TRACERS.get('keys')!);
  manager.close = () => closeManager(life, queue, spec.operations, source);
  manager[Symbol.asyncDispose as unknown as string] = manager.close;
  attachStateInfo(manager as unknown as StateManager, {
    backend,
    source,
    namespace,
    settlesLocally: spec.settlesLocally ?? false,
    ...(spec.operations.inspect ? { inspect: inspector(spec.operations, source, life) } : {}),
  });
  if (spec.extend) Object.assign(manager, spec.extend(guardFor(source, life)));
  return manager as unknown as StateManager & X;
}

type Caller = (
  op: DataMethod,
  fn: Call,
  a?: unknown,
  b?: unknown,
  c?: unknown,
  d?: unknown,
) => Promise<unknown>;

/** Each method's validation, then its operation, with the arguments the operation takes. */
function methodBodies(
  ops: CompleteOperations,
  v: Validators,
  call: Caller,
): Record<Exclude<DataMethod, 'keys'>, Body> {
  const ttlOf = (options: unknown, key: string) =>
    options === undefined ? undefined : v.setOptions(options, key);
  return {
    get: (key) => call('get', ops.get, v.key(key)),
    set: (key, value, options) => {
      const k = v.key(key);
      return call('set', ops.set, k, v.value(value, k), ttlOf(options, k));
    },
    delete: (key) => call('delete', ops.delete, v.key(key)),
    exists: (key) => call('exists', ops.exists, v.key(key)),
    getMany: (keys) => call('getMany', ops.getMany, v.keys(keys)),
    setMany: (entries) => call('setMany', ops.setMany, v.entries(entries)),
    deleteMany: (keys) => call('deleteMany', ops.deleteMany, v.keys(keys)),
    increment: (key, delta, options) => {
      const k = v.key(key);
      return call('increment', ops.increment, k, v.delta(delta, k), ttlOf(options, k));
    },
    compareAndSwap: (key, expected, next, options) => {
      const k = v.key(key);
      const exp = v.optionalValue(expected, k);
      const nxt = v.optionalValue(next, k);
      return call('compareAndSwap', ops.compareAndSwap, k, exp, nxt, ttlOf(options, k));
    },
    ttl: (key) => call('ttl', ops.ttl, v.key(key)),
    expire: (key, ttl) => {
      const k = v.key(key);
      return call('expire', ops.expire, k, v.expireTtl(ttl, k));
    },
    clear: (options) => call('clear', ops.clear, v.prefix(options)),
  };
}

function countKeys(op: DataMethod, first: unknown): number {
  if (op === 'keys' || op === 'clear') return 0;
  if (op === 'getMany' || op === 'setMany' || op === 'deleteMany') {
    return Array.isArray(first) ? first.length : 0;
  }
  return 1;
}

function closeManager(
  life: { closed: boolean; closing: Promise<void> | undefined },
  queue: SerialQueue | undefined,
  operations: StoreOperations,
  source: string,
): Promise<void> {
  if (life.closing) return life.closing;
  life.closed = true;
  life.closing = (async () => {
    if (queue) await queue.idle();
    await operations.close?.();
  })().catch((err: unknown) => {
    throw toStateError(err, source, 'close');
  });
  return life.closing;
}

function guardFor(source: string, life: { closed: boolean }): GuardedCall {
  return async (op, run) => {
    if (life.closed) throw closedError(source, op);
    try {
      return await run();
    } catch (err) {
      throw toStateError(err, source, op);
    }
  };
}

function inspector(operations: StoreOperations, source: string, life: { closed: boolean }) {
  const guard = guardFor(source, life);
  return () => guard('inspect', () => operations.inspect!());
}
