import { StateError, type StateManager } from '@pforge/state-core';
import { withTimer } from './deadline.js';
import { SOURCE } from './source.js';

type Flights = Map<string, Promise<unknown>>;

/** Calls in flight per manager and key: the keys of different managers never meet. */
export class FlightTable {
  readonly #byState = new WeakMap<StateManager, Flights>();

  /** Runs `fn` once per key of `state` at a time: a caller arriving while it runs shares its outcome. */
  run<T>(state: StateManager, key: string, fn: () => Promise<T>): Promise<T> {
    let flights = this.#byState.get(state);
    if (flights === undefined) {
      flights = new Map();
      this.#byState.set(state, flights);
    }
    const running = flights.get(key);
    if (running !== undefined) return running as Promise<T>;
    const p = fn().finally(() => flights.delete(key));
    flights.set(key, p);
    return p;
  }
}

/**
 * Runs `compute` with an `AbortSignal`, bounded by `ms`: once they pass, the signal aborts
 * and the result rejects with `ERR_STATE_UNAVAILABLE` naming `computeTimeoutMs` (so the
 * key is free again). A late outcome of `compute` is ignored.
 */
export function boundedCompute<T>(
  compute: (signal: AbortSignal) => T | PromiseLike<T>,
  ms: number,
  what: string,
): Promise<T> {
  const controller = new AbortController();
  let running: Promise<T>;
  try {
    running = Promise.resolve(compute(controller.signal));
  } catch (err) {
    return Promise.reject(err);
  }
  return withTimer(running, ms, () => {
    const err = new StateError(
      'ERR_STATE_UNAVAILABLE',
      `[${SOURCE}] ${what}: compute() did not settle within ${ms} ms (\`computeTimeoutMs\`); its result will not be cached`,
    );
    controller.abort(err);
    return err;
  });
}
