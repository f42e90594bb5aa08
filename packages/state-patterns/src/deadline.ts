import { isStateError, StateError } from '@pforge/state-core';

/** The package named in every message. */
export const SOURCE = '@pforge/state-patterns';

/** Default of every pattern's `timeoutMs`: how long one call waits for the backend. */
export const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * What a pattern does when the backend is unavailable (`ERR_STATE_UNAVAILABLE`) or does
 * not answer within `timeoutMs`: `'open'` carries on without it (a rate limiter admits, a
 * cache computes), `'closed'` refuses (a rate limiter denies, a cache rejects).
 */
export type FailurePolicy = 'open' | 'closed';

/** A point in time after which a pattern call gives up. */
export interface Deadline {
  /** Epoch ms after which the call gives up. */
  readonly at: number;
  /** The budget the deadline was made from, for messages. */
  readonly ms: number;
  /** What is waiting, for messages, e.g. `rate limiter consume("u1")`. */
  readonly what: string;
}

/** A deadline `ms` from now. */
export function deadline(ms: number, what: string): Deadline {
  return { at: Date.now() + ms, ms, what };
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

// One shared, unref'd watchdog instead of a timer per call: a rate limiter's hot path then
// costs a link into a list rather than a setTimeout/clearTimeout pair (an intrusive list,
// not a Set: no identity hash per call). It runs only while some call is waiting, and
// settles a timed-out call at most WATCHDOG_TICK_MS late.
const WATCHDOG_TICK_MS = 10;
let head: Pending<never, unknown> | undefined;
let watchdog: ReturnType<typeof setInterval> | undefined;

function sweep(): void {
  const now = Date.now();
  for (let w = head; w !== undefined; ) {
    const next = w.next;
    if (now >= w.d.at && w.unlink()) w.settle(w.onError, timeoutError(w.d));
    w = next;
  }
  if (head === undefined && watchdog !== undefined) {
    clearInterval(watchdog);
    watchdog = undefined;
  }
}

/** One call waiting on the backend: a class, so the hot path allocates few closures. */
class Pending<T, R> {
  resolve: (value: R | PromiseLike<R>) => void = noop;
  reject: (err: unknown) => void = noop;
  prev: Pending<never, unknown> | undefined = undefined;
  next: Pending<never, unknown> | undefined = undefined;
  linked = false;
  constructor(
    readonly d: Deadline,
    readonly onValue: (value: T) => R | PromiseLike<R>,
    readonly onError: (err: unknown) => R | PromiseLike<R>,
  ) {}
  readonly ok = (value: T): void => {
    if (this.unlink()) this.settle(this.onValue, value);
  };
  readonly ko = (err: unknown): void => {
    if (this.unlink()) this.settle(this.onError, err);
  };
  link(): void {
    const self = this as Pending<never, unknown>;
    self.next = head;
    if (head !== undefined) head.prev = self;
    head = self;
    this.linked = true;
  }
  /** Takes the call off the list; `false` when it was already settled. */
  unlink(): boolean {
    if (!this.linked) return false;
    this.linked = false;
    if (this.prev !== undefined) this.prev.next = this.next;
    else head = this.next;
    if (this.next !== undefined) this.next.prev = this.prev;
    this.prev = undefined;
    this.next = undefined;
    return true;
  }
  settle<A>(fn: (arg: A) => R | PromiseLike<R>, arg: A): void {
    try {
      this.resolve(fn(arg));
    } catch (err) {
      this.reject(err);
    }
  }
}

const noop = (): void => {};
const identity = <T>(v: T): T => v;
const rethrow = (err: unknown): never => {
  throw err;
};

/**
 * Resolves as `p`, or rejects with `ERR_STATE_UNAVAILABLE` once `d` passes (checked by a
 * shared unref'd watchdog, so at most ~10 ms late; it never keeps the process alive). `p`
 * itself is not cancelled: a write may still land after the timeout.
 */
export function within<T>(d: Deadline, p: Promise<T>): Promise<T> {
  return settleWithin(d, p, identity, rethrow);
}

/**
 * One promise for "wait for `p` until `d`, then map": `onValue(v)` when `p` resolves in time,
 * `onError(err)` when it rejects or `d` passes first (with the timeout error). Either may
 * throw (the result rejects) or return a promise (the result follows it). The hot path of a
 * rate limiter uses this directly rather than an `async` function around {@link within},
 * which would cost more promises per call.
 */
export function settleWithin<T, R>(
  d: Deadline,
  p: Promise<T>,
  onValue: (value: T) => R | PromiseLike<R>,
  onError: (err: unknown) => R | PromiseLike<R>,
): Promise<R> {
  const w = new Pending<T, R>(d, onValue, onError);
  const out = new Promise<R>((resolve, reject) => {
    w.resolve = resolve;
    w.reject = reject;
  });
  if (Date.now() >= d.at) {
    p.catch(noop);
    w.settle(onError, timeoutError(d));
    return out;
  }
  w.link();
  if (watchdog === undefined) {
    watchdog = setInterval(sweep, WATCHDOG_TICK_MS);
    watchdog.unref?.();
  }
  p.then(w.ok, w.ko);
  return out;
}

/** Whether `err` means "the backend is unavailable" (so a failure policy applies). */
export function isUnavailable(err: unknown): err is StateError {
  return isStateError(err, 'ERR_STATE_UNAVAILABLE');
}

/** Throws `ERR_STATE_INVALID_ARGUMENT` naming `name` unless `value` is a positive safe integer. */
export function assertPositiveInt(
  value: unknown,
  name: string,
  where: string,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${SOURCE}] ${where}: \`${name}\` must be a positive whole number (got ${String(value)})`,
    );
  }
}

/** Resolves an optional `timeoutMs` option (default {@link DEFAULT_TIMEOUT_MS}). */
export function resolveTimeout(value: unknown, where: string): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  assertPositiveInt(value, 'timeoutMs', where);
  return value;
}

/** Resolves an optional `failurePolicy` option. */
export function resolvePolicy(
  value: unknown,
  fallback: FailurePolicy,
  where: string,
): FailurePolicy {
  if (value === undefined) return fallback;
  if (value === 'open' || value === 'closed') return value;
  throw new StateError(
    'ERR_STATE_INVALID_ARGUMENT',
    `[${SOURCE}] ${where}: \`failurePolicy\` must be 'open' or 'closed' (got ${String(value)})`,
  );
}
