import type { StateManager } from '@pforge/state-core';
import { createValidators, decodeCounter } from '@pforge/state-core/backend';
import { callTimerFor, deadline, within } from './deadline.js';
import { resolveTimeout } from './options.js';
import { SOURCE } from './source.js';

const validators = createValidators(SOURCE);

/** Options of {@link counter}. */
export interface CounterOptions {
  /**
   * Expiry in ms given to the counter when an increment creates it; an existing counter
   * keeps its expiry (as `increment` does). Absent = never expires.
   * @example { ttl: 86_400_000 } // a daily counter
   */
  ttl?: number;
  /**
   * How long each call waits for the backend before rejecting with `ERR_STATE_UNAVAILABLE`.
   * @default 2000
   */
  timeoutMs?: number;
}

/** A named counter on a {@link StateManager}; see {@link counter}. */
export interface Counter {
  /** The key the counter is stored under. */
  readonly key: string;
  /** Atomically adds `by` (default 1) and resolves the new value. */
  increment(by?: number): Promise<number>;
  /** Atomically subtracts `by` (default 1) and resolves the new value. */
  decrement(by?: number): Promise<number>;
  /** The current value (0 when absent or expired). */
  get(): Promise<number>;
  /** Removes the counter, so it reads 0 again. */
  reset(): Promise<void>;
}

/**
 * A counter at `key`, built on the manager's atomic `increment`, so concurrent callers in
 * any number of processes never lose or double an update. The value is stored as ASCII
 * decimal, the same bytes `state.increment` writes. The counter has no failure policy: a
 * backend that is unavailable or silent for `timeoutMs` rejects with `ERR_STATE_UNAVAILABLE`
 * (whether an increment that timed out was applied is unknown). A store that settles locally
 * (see `stateInfo(state).settlesLocally`) gets no timer.
 * @example
 * const hits = counter(state, 'hits:today', { ttl: 86_400_000 });
 * await hits.increment();      // 1
 * await hits.increment(5);     // 6
 * await hits.get();            // 6
 */
export function counter(state: StateManager, key: string, options: CounterOptions = {}): Counter {
  const timeoutMs = resolveTimeout(options.timeoutMs, `counter(${JSON.stringify(key)})`);
  const timer = callTimerFor(state);
  const setOptions = options.ttl === undefined ? undefined : { ttl: options.ttl };
  const call = <T>(op: string, p: () => Promise<T>): Promise<T> =>
    within(deadline(timeoutMs, `counter ${op}(${JSON.stringify(key)})`, timer), p());
  const add = (delta: number) => call('increment', () => state.increment(key, delta, setOptions));

  return {
    key,
    increment: (by = 1) => add(by),
    decrement: async (by = 1) => {
      validators.delta(by, key);
      return add(-by);
    },
    get: () => call('get', async () => decodeCounter(await state.get(key), key, SOURCE)),
    reset: () => call('reset', async () => void (await state.delete(key))),
  };
}
