import { describeValue, StateError } from './errors.js';
import type { StateManager } from './types.js';

/**
 * Where a manager keeps its {@link StateInfoSource}: a registered symbol, so the ESM and the
 * CJS copy of core (and every backend built on either) agree on it.
 */
export const STATE_INFO: unique symbol = Symbol.for('@pforge/state/info') as never;

/** A plain value an inspection detail may hold. */
export type InspectionValue = string | number | boolean | null;

/** What a backend tells operators and patterns about a manager, without any I/O. */
export interface StateInfo {
  /** The backend name as written in config. @example 'lmdb' */
  readonly backend: string;
  /** The package that implements it. @example '@pforge/state-lmdb' */
  readonly source: string;
  /** The manager's namespace. @example 'my-server' */
  readonly namespace: string;
  /**
   * Every call settles in this process without waiting on a network or another process's
   * answer (memory, LMDB): patterns skip their deadline timers for such a store.
   */
  readonly settlesLocally: boolean;
}

/** What a manager carries under {@link STATE_INFO}: its info and an optional inspection. */
export interface StateInfoSource extends StateInfo {
  /**
   * Backend-specific figures for operators (LMDB map usage, Redis version and memory, ...),
   * read from the store. Keys are short snake_case names.
   */
  inspect?(): Promise<Readonly<Record<string, InspectionValue>>>;
}

/** The result of {@link inspectState}. */
export interface StateInspection extends StateInfo {
  /** Backend-specific figures (empty when the backend has none). */
  readonly details: Readonly<Record<string, InspectionValue>>;
}

function sourceOf(state: unknown): StateInfoSource | undefined {
  if ((typeof state !== 'object' && typeof state !== 'function') || state === null) {
    return undefined;
  }
  const info = (state as { [STATE_INFO]?: unknown })[STATE_INFO];
  return typeof info === 'object' && info !== null ? (info as StateInfoSource) : undefined;
}

/**
 * The backend, namespace and locality of a manager, or `undefined` for a manager that does
 * not say (a hand-written one). Synchronous and free of I/O.
 * @example stateInfo(state)?.backend // 'lmdb'
 */
export function stateInfo(state: StateManager): StateInfo | undefined {
  const s = sourceOf(state);
  if (s === undefined) return undefined;
  const { backend, source, namespace, settlesLocally } = s;
  return { backend, source, namespace, settlesLocally };
}

/**
 * {@link stateInfo} plus the backend's own figures, read from the store (LMDB: map size and
 * use; Redis: server version and memory). Rejects with `ERR_STATE_INVALID_ARGUMENT` for a
 * manager that carries no info, and with the backend's error when reading fails.
 * @example const { backend, details } = await inspectState(state);
 */
export async function inspectState(state: StateManager): Promise<StateInspection> {
  const s = sourceOf(state);
  if (s === undefined) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[@pforge/state-core] inspectState() takes a manager opened by a @pforge/state backend (got ${describeValue(state)})`,
    );
  }
  const details = s.inspect ? await s.inspect() : {};
  return { ...stateInfo(state)!, details };
}

/**
 * Attaches `info` to `manager` under {@link STATE_INFO} (not enumerable) and returns the
 * manager. For backend authors; managers built with core's base get it automatically.
 */
export function attachStateInfo<M extends StateManager>(manager: M, info: StateInfoSource): M {
  Object.defineProperty(manager, STATE_INFO, { value: Object.freeze({ ...info }) });
  return manager;
}
