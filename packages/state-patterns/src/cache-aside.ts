import {
  assertTtl,
  type Codec,
  jsonCodec,
  MAX_TTL_MS,
  StateError,
  type StateManager,
} from '@pforge/state-core';
import { decodeWith, encodeWith } from './codec.js';
import {
  assertPositiveInt,
  deadline,
  type FailurePolicy,
  isUnavailable,
  resolvePolicy,
  resolveTimeout,
  SOURCE,
  within,
} from './deadline.js';

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
   * How long each backend call may take before it counts as unavailable.
   * @default 2000
   */
  timeoutMs?: number;
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

type Flights = Map<string, Promise<unknown>>;
const lookups = new WeakMap<StateManager, Flights>();
const refreshes = new WeakMap<StateManager, Flights>();

function flightsOf(table: WeakMap<StateManager, Flights>, state: StateManager): Flights {
  let m = table.get(state);
  if (!m) {
    m = new Map();
    table.set(state, m);
  }
  return m;
}

/** Runs `fn` once per key at a time: a caller arriving while it runs shares its outcome. */
function shared<T>(flights: Flights, key: string, fn: () => Promise<T>): Promise<T> {
  const running = flights.get(key);
  if (running) return running as Promise<T>;
  const p = fn().finally(() => flights.delete(key));
  flights.set(key, p);
  return p;
}

/**
 * Cache-aside: the value at `key` if cached, else `compute()`'s result, stored with `ttl`.
 * Concurrent callers for one key on one manager in a process share one lookup and at most
 * one computation. A computation that throws is not cached: every caller waiting on it gets
 * the error and the next call computes again. Other processes may compute the same key at
 * the same time (last write wins; use a lock if that matters).
 * @example
 * const user = await getOrCompute(state, `user:${id}`, () => db.loadUser(id), { ttl: 60_000 });
 */
export function getOrCompute<T>(
  state: StateManager,
  key: string,
  compute: () => T | Promise<T>,
  options: GetOrComputeOptions<T> = {},
): Promise<T> {
  let o: Resolved<T>;
  try {
    o = resolveOptions(options, key);
  } catch (err) {
    return Promise.reject(err);
  }
  return shared(flightsOf(lookups, state), key, () => lookup(state, key, compute, o));
}

interface Resolved<T> {
  ttl: number | undefined;
  swr: number;
  codec: Codec<T>;
  timeoutMs: number;
  policy: FailurePolicy;
  onRefreshError: ((error: unknown) => void) | undefined;
}

function resolveOptions<T>(options: GetOrComputeOptions<T>, key: string): Resolved<T> {
  const where = `getOrCompute(${JSON.stringify(key)})`;
  if (options.ttl !== undefined) assertTtl(options.ttl, key, SOURCE);
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
    ttl: options.ttl,
    swr,
    codec: options.codec ?? (jsonCodec as Codec<T>),
    timeoutMs: resolveTimeout(options.timeoutMs, where),
    policy: resolvePolicy(options.failurePolicy, 'open', where),
    onRefreshError: options.onRefreshError,
  };
}

async function lookup<T>(
  state: StateManager,
  key: string,
  compute: () => T | Promise<T>,
  o: Resolved<T>,
): Promise<T> {
  let bytes: Uint8Array | undefined;
  let left: number | null | undefined;
  try {
    const d = deadline(o.timeoutMs, `getOrCompute(${JSON.stringify(key)})`);
    [bytes, left] = await within(
      d,
      Promise.all([state.get(key), o.swr ? state.ttl(key) : undefined]),
    );
  } catch (err) {
    if (o.policy === 'closed' || !isUnavailable(err)) throw err;
    return compute();
  }
  if (bytes === undefined) return computeAndStore(state, key, compute, o);
  const value = decodeWith(o.codec, key, bytes);
  if (o.swr && (left === undefined || (typeof left === 'number' && left <= o.swr))) {
    void shared(flightsOf(refreshes, state), key, () =>
      computeAndStore(state, key, compute, o),
    ).catch((err: unknown) => o.onRefreshError?.(err));
  }
  return value;
}

async function computeAndStore<T>(
  state: StateManager,
  key: string,
  compute: () => T | Promise<T>,
  o: Resolved<T>,
): Promise<T> {
  const value = await compute();
  const bytes = encodeWith(o.codec, key, value);
  const ttl = o.ttl === undefined ? undefined : o.ttl + o.swr;
  try {
    const d = deadline(o.timeoutMs, `getOrCompute(${JSON.stringify(key)}) store`);
    await within(d, state.set(key, bytes, ttl === undefined ? undefined : { ttl }));
  } catch (err) {
    if (o.policy === 'closed' || !isUnavailable(err)) throw err;
  }
  return value;
}
