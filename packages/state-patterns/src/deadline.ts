import { isStateError, StateError, type StateManager, stateInfo } from '@pforge/state-core';
import { SOURCE } from './source.js';

/** A point in time after which a pattern call gives up. */
export interface Deadline {
  /** Epoch ms after which the call gives up. */
  readonly at: number;
  /** The budget the deadline was made from, for messages. */
  readonly ms: number;
  /** What is waiting, for messages, e.g. `rate limiter consume()`. */
  readonly what: string;
  /** The store settles every call locally, so {@link within} arms no timer. */
  readonly local: boolean;
}

/**
 * Whether `state` declares that its calls settle in this process (memory, LMDB): then the
 * patterns arm no timer for it. A manager that says nothing counts as remote.
 */
export function settlesLocally(state: StateManager): boolean {
  return stateInfo(state)?.settlesLocally === true;
}

/** A deadline `ms` from now; `local` (see {@link settlesLocally}) skips the timers. */
export function deadline(ms: number, what: string, local: boolean): Deadline {
  return { at: Date.now() + ms, ms, what, local };
}

/** The `ERR_STATE_UNAVAILABLE` a timed-out call rejects with. */
export function timeoutError(d: Deadline): StateError {
  return new StateError(
    'ERR_STATE_UNAVAILABLE',
    `[${SOURCE}] ${d.what}: the backend did not answer within ${d.ms} ms (\`timeoutMs\`)`,
  );
}

/** Throws the timeout error when `d` has passed (checked between steps of a retry loop). */
export function checkDeadline(d: Deadline): void {
  if (Date.now() >= d.at) throw timeoutError(d);
}

/** The longest delay `setTimeout` takes; a longer one would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Resolves or rejects as `p`, or rejects with `reason()` once `ms` have passed, whichever
 * comes first. The timer is unref'd (it never keeps the process alive) and cleared as soon
 * as `p` settles. `p` is not cancelled; its late outcome is ignored.
 */
export function withTimer<T>(p: Promise<T>, ms: number, reason: () => unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(reason()), Math.min(ms, MAX_TIMER_MS));
    timer.unref?.();
    p.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/**
 * Resolves as `p`, or rejects with `ERR_STATE_UNAVAILABLE` once `d` passes. For a store that
 * settles locally this is `p` itself: no timer, no extra promise. `p` is not cancelled: a
 * write may still land after the timeout.
 */
export function within<T>(d: Deadline, p: Promise<T>): Promise<T> {
  if (d.local) return p;
  // One timer per call (a setTimeout/clearTimeout pair, about 0.3 µs measured) rather than a
  // shared watchdog: nothing module-wide, nothing polling, and settled on time.
  const left = d.at - Date.now();
  if (left <= 0) {
    p.catch(() => {}); // its outcome no longer matters
    return Promise.reject(timeoutError(d));
  }
  return withTimer(p, left, () => timeoutError(d));
}

/** Whether `err` means "the backend is unavailable" (so a failure policy applies). */
export function isUnavailable(err: unknown): err is StateError {
  return isStateError(err, 'ERR_STATE_UNAVAILABLE');
}
