import { completeOperations } from './derive.js';
import { attachStateInfo } from './info.js';
import { iterateKeys } from './manager-keys.js';
import { buildRunners, type Runner } from './manager-runners.js';
import {
  DATA_METHODS,
  type DataMethod,
  type MaybePromise,
  type StoreOperations,
} from './operations.js';
import { SerialQueue } from './serial-queue.js';
import { closedError, toStateError } from './to-state-error.js';
import { type OperationTracer, traceContext, tracerFor } from './tracing.js';
import type { StateManager } from './types.js';
import { createValidators } from './validators.js';

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
   * after the previous one settled, which keeps the contract's order at the cost of concurrency.
   * @default false
   */
  keepsIssueOrder?: boolean;
  /** Every call settles in this process, with no network or peer to wait for. @default false */
  settlesLocally?: boolean;
  /** Extra members of the manager (e.g. `path`, `stats()`), run through `guard`. */
  extend?: (guard: GuardedCall) => X;
}

const TRACERS = Object.fromEntries(DATA_METHODS.map((m) => [m, tracerFor(m)])) as Record<
  DataMethod,
  OperationTracer
>;

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
  const v = createValidators(source);
  const m = { source, backend, namespace, life };
  const slow: Slow = (op, run, args) => slowCall(m, op, run, args);
  const manager: Record<string | symbol, unknown> = {
    ...buildRunners({ ops, v, source, queue, life, tracers: TRACERS, slow }),
  };
  const keysCtx = { source, backend, namespace, life, validators: v };
  manager.keys = (options?: unknown) => iterateKeys(keysCtx, ops, options, TRACERS.keys);
  manager.close = () => closeManager(life, queue, spec.operations, source);
  manager[Symbol.asyncDispose] = manager.close;
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

type Slow = (op: DataMethod, run: Runner, args: unknown[]) => Promise<unknown>;

/** A call after close() (ERR_STATE_CLOSED), or one a tracing subscriber observes. */
function slowCall(
  m: { source: string; backend: string; namespace: string; life: { closed: boolean } },
  op: DataMethod,
  run: Runner,
  args: unknown[],
): Promise<unknown> {
  if (m.life.closed) return Promise.reject(closedError(m.source, op));
  const ctx = traceContext(op, m.backend, m.namespace, countKeys(op, args[0]));
  const traced = async () => {
    try {
      return await run(args[0], args[1], args[2], args[3], true);
    } catch (err) {
      ctx.errorCode = (err as { code?: string }).code;
      throw err;
    }
  };
  return TRACERS[op].channel.tracePromise(traced, ctx);
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
