import {
  type Codec,
  jsonCodec,
  MAX_TTL_MS,
  StateError,
  type StateManager,
} from '@pforge/state-core';
import { createValidators } from '@pforge/state-core/backend';
import { decodeWith, encodeWith } from './codec.js';
import { type CallTimer, callTimerFor, deadline, isUnavailable, within } from './deadline.js';
import {
  assertPositiveInt,
  type FailurePolicy,
  resolveMs,
  resolvePolicy,
  resolveTimeout,
} from './options.js';
import { boundedCompute, FlightTable } from './single-flight.js';
import { SOURCE } from './source.js';

const validators = createValidators(SOURCE);

/** Default of `getOrCompute`'s `computeTimeoutMs`: how long one computation may run. */
export const DEFAULT_COMPUTE_TIMEOUT_MS = 30_000;

/** What `getOrCompute` runs on a miss; `signal` aborts when `computeTimeoutMs` passes. */
export type Compute<T> = (signal: AbortSignal) => T | PromiseLike<T>;

/** Options of {@link getOrCompute}. */
export interface GetOrComputeOptions<T> {
  /**
   * How long a computed value stays fresh, in ms. Absent = cached until deleted.
   * @example { ttl: 60_000 }
   */
  ttl?: number;
  /**
   * Turns the value into stored bytes and back.
   * @default core's `jsonCodec` (`Date`, `BigInt`, `Map`, `Set`, `Uint8Array` survive)
   */
  codec?: Codec<T>;
  /**
   * Stale-while-revalidate window in ms (needs `ttl`): the value is kept `ttl +
   * staleWhileRevalidateMs`; once older than `ttl` it is still served at once while one
   * refresh per key and process runs in the background.
   * @default 0 (off: an expired value is recomputed while callers wait)
   */
  staleWhileRevalidateMs?: number;
  /**
   * How long each backend call may take before it counts as unavailable, in ms. Not armed
   * for a store that settles locally (memory, LMDB: `stateInfo(state).settlesLocally`).
   * @default 2000
   */
  timeoutMs?: number;
  /**
   * How long one computation may run, in ms. When it passes, `compute`'s `signal` aborts,
   * every caller waiting on it rejects with `ERR_STATE_UNAVAILABLE` (naming
   * `computeTimeoutMs`), the key is free for the next call, and a late result is dropped
   * (never cached). Values above 2147483647 (about 24.8 days) count as that.
   * @default 30000
   */
  computeTimeoutMs?: number;
  /**
   * When the backend is unavailable or slower than `timeoutMs`: `'open'` computes the value
   * and returns it uncached; `'closed'` rejects with `ERR_STATE_UNAVAILABLE`.
   * @default 'open' (a cache is an optimisation; the computation is the source of truth)
   */
  failurePolicy?: FailurePolicy;
  /**
   * Called with the error of a failed background refresh (stale-while-revalidate only);
   * the stale value keeps being served and the next stale read tries again.
   * @default none: the error is dropped
   */
  onRefreshError?: (error: unknown) => void;
}

const lookups = new FlightTable();
const computations = new FlightTable();
const timers = new WeakMap<StateManager, { timer: CallTimer | undefined }>();

/** The one timer bounding `getOrCompute`'s calls on `state` (none when it settles locally). */
function timerOf(state: StateManager): CallTimer | undefined {
  let entry = timers.get(state);
  if (entry === undefined) {
    entry = { timer: callTimerFor(state) };
    timers.set(state, entry);
  }
  return entry.timer;
}

/**
 * Cache-aside: the value at `key` if cached, else `compute()`'s result, stored with `ttl`.
 * Per manager and process, one lookup and one computation run per key at a time: concurrent
 * callers share them, and a stale-while-revalidate refresh and a miss share one
 * computation too. A computation that throws is not cached: every caller waiting on it gets
 * the error and the next call computes again. One that runs past `computeTimeoutMs` is
 * given up (its `signal` aborts). Other processes may compute the same key at the same time
 * (last write wins; use a lock if that matters).
 * @example
 * const user = await getOrCompute(state, `user:${id}`, () => db.loadUser(id), { ttl: 60_000 });
 * const page = await getOrCompute(state, url, (signal) => fetch(url, { signal }).then((r) => r.text()));
 */
export function getOrCompute<T>(
  state: StateManager,
  key: string,
  compute: Compute<T>,
  options: GetOrComputeOptions<T> = {},
): Promise<T> {
  let o: Resolved<T>;
  try {
    o = resolveOptions(options, key);
  } catch (err) {
    return Promise.reject(err);
  }
  return lookups.run(state, key, () => lookup(state, key, compute, o));
}

interface Resolved<T> {
  /** `getOrCompute("key")`, for messages. */
  what: string;
  ttl: number | undefined;
  swr: number;
  codec: Codec<T>;
  timeoutMs: number;
  computeTimeoutMs: number;
  policy: FailurePolicy;
  onRefreshError: ((error: unknown) => void) | undefined;
}

function resolveOptions<T>(options: GetOrComputeOptions<T>, key: string): Resolved<T> {
  const where = `getOrCompute(${JSON.stringify(key)})`;
  if (options.ttl !== undefined) validators.setOptions({ ttl: options.ttl }, key);
  const swr = options.staleWhileRevalidateMs ?? 0;
  if (swr !== 0) {
    assertPositiveInt(swr, 'staleWhileRevalidateMs', where);
    if (options.ttl === undefined || options.ttl + swr > MAX_TTL_MS) {
      throw new StateError(
        'ERR_STATE_INVALID_ARGUMENT',
        `[${SOURCE}] ${where}: \`staleWhileRevalidateMs\` needs a \`ttl\`, and both together at most ${MAX_TTL_MS} ms`,
      );
    }
  }
  return {
    what: where,
    ttl: options.ttl,
    swr,
    codec: options.codec ?? (jsonCodec as Codec<T>),
    timeoutMs: resolveTimeout(options.timeoutMs, where),
    computeTimeoutMs: resolveMs(
      options.computeTimeoutMs,
      'computeTimeoutMs',
      DEFAULT_COMPUTE_TIMEOUT_MS,
      where,
    ),
    policy: resolvePolicy(options.failurePolicy, 'open', where),
    onRefreshError: options.onRefreshError,
  };
}

async function lookup<T>(
  state: StateManager,
  key: string,
  compute: Compute<T>,
  o: Resolved<T>,
): Promise<T> {
  let bytes: Uint8Array | undefined;
  let left: number | null | undefined;
  try {
    const d = deadline(o.timeoutMs, o.what, timerOf(state));
    [bytes, left] = await within(
      d,
      Promise.all([state.get(key), o.swr ? state.ttl(key) : undefined]),
    );
  } catch (err) {
    if (o.policy === 'closed' || !isUnavailable(err)) throw err;
    return computeOnce(state, key, compute, o, false);
  }
  if (bytes === undefined) return computeOnce(state, key, compute, o, true);
  const value = decodeWith(o.codec, key, bytes);
  if (o.swr && (left === undefined || (typeof left === 'number' && left <= o.swr))) {
    computeOnce(state, key, compute, o, true).catch((err: unknown) => o.onRefreshError?.(err));
  }
  return value;
}

/**
 * The one computation of `key` on `state`: joins the one running (a refresh or a miss),
 * else runs `compute` (bounded by `computeTimeoutMs`) and, when `store`, stores the value.
 */
function computeOnce<T>(
  state: StateManager,
  key: string,
  compute: Compute<T>,
  o: Resolved<T>,
  store: boolean,
): Promise<T> {
  return computations.run(state, key, async () => {
    const value = await boundedCompute(compute, o.computeTimeoutMs, o.what);
    if (store) await storeValue(state, key, value, o);
    return value;
  });
}

async function storeValue<T>(
  state: StateManager,
  key: string,
  value: T,
  o: Resolved<T>,
): Promise<void> {
  const bytes = encodeWith(o.codec, key, value);
  const ttl = o.ttl === undefined ? undefined : o.ttl + o.swr;
  try {
    const d = deadline(o.timeoutMs, `${o.what} store`, timerOf(state));
    await within(d, state.set(key, bytes, ttl === undefined ? undefined : { ttl }));
  } catch (err) {
    if (o.policy === 'closed' || !isUnavailable(err)) throw err;
  }
}
