import { StateError, type StateManager } from '@pforge/state-core';
import {
  type CallTimer,
  callTimerFor,
  checkDeadline,
  type Deadline,
  deadline,
  isUnavailable,
  within,
} from '../deadline.js';
import {
  assertPositiveInt,
  type FailurePolicy,
  resolvePolicy,
  resolveTimeout,
} from '../options.js';
import { SOURCE } from '../source.js';

/** The outcome of {@link RateLimiter.consume}: a denial is a value, not an exception. */
export interface RateLimitResult {
  /** Whether the call was admitted (and its cost taken). */
  allowed: boolean;
  /** What is left to consume now (0 when denied or exhausted). */
  remaining: number;
  /** Ms until the limit is fully available again if nothing more is consumed. */
  resetMs: number;
  /** 0 when admitted; else ms until the same cost could be admitted if nothing else consumes. */
  retryAfterMs: number;
  /** The configured limit. */
  limit: number;
  /** `true` when the backend was unavailable and the failure policy decided the outcome. */
  unavailable?: true;
}

/** A rate limiter; see {@link createFixedWindowLimiter} and its siblings. */
export interface RateLimiter {
  /**
   * Takes `cost` (default 1, at most `limit`) from `id`'s allowance if enough is left.
   * Rejects only for bad arguments or a closed manager; an unavailable backend resolves per
   * `failurePolicy`.
   */
  consume(id: string, cost?: number): Promise<RateLimitResult>;
  /** Forgets `id`'s usage, so its full limit is available again. */
  reset(id: string): Promise<void>;
}

/** Options every rate limiter takes. */
export interface RateLimiterOptions {
  /** Most cost admitted per window (or the bucket's capacity). */
  limit: number;
  /**
   * Prepended to every key. Give each limiter sharing a manager its own prefix: two limiters
   * with one prefix share counters.
   * @default 'rl:fw:', 'rl:sw:' or 'rl:tb:' by algorithm
   */
  prefix?: string;
  /**
   * When the backend is unavailable or does not answer within `timeoutMs`: `'closed'`
   * denies (`allowed: false, unavailable: true, retryAfterMs: 1000`), `'open'` admits
   * (`allowed: true, unavailable: true`).
   * @default 'closed': the limit holds even during an outage (see README)
   */
  failurePolicy?: FailurePolicy;
  /**
   * How long one `consume` may wait for the backend, in ms. Not armed for a store that
   * settles locally (memory, LMDB: `stateInfo(state).settlesLocally`).
   * @default 2000
   */
  timeoutMs?: number;
}

/** Ms a denial decided by the failure policy suggests to wait. */
export const UNAVAILABLE_RETRY_AFTER_MS = 1_000;

/** The checked common options plus what each algorithm needs to run a call. */
export interface LimiterBase {
  readonly state: StateManager;
  readonly limit: number;
  readonly prefix: string;
  readonly policy: FailurePolicy;
  readonly timeoutMs: number;
  /** Bounds this limiter's calls; `undefined` when the store settles locally (no timer). */
  readonly timer: CallTimer | undefined;
  readonly name: string;
  /** `<name> consume()`, for timeout messages. */
  readonly consumeLabel: string;
  /** `<name> reset()`, for timeout messages. */
  readonly resetLabel: string;
}

/** Checks the common options. */
export function resolveLimiterOptions(
  state: StateManager,
  options: RateLimiterOptions,
  name: string,
  defaultPrefix: string,
): LimiterBase {
  const where = `${name}()`;
  if (typeof options !== 'object' || options === null) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${SOURCE}] ${where}: options { limit, ... } are required`,
    );
  }
  assertPositiveInt(options.limit, 'limit', where);
  const prefix = options.prefix ?? defaultPrefix;
  if (typeof prefix !== 'string') {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${SOURCE}] ${where}: \`prefix\` must be a string`,
    );
  }
  return {
    state,
    limit: options.limit,
    prefix,
    policy: resolvePolicy(options.failurePolicy, 'closed', where),
    timeoutMs: resolveTimeout(options.timeoutMs, where),
    timer: callTimerFor(state),
    name,
    consumeLabel: `${name} consume()`,
    resetLabel: `${name} reset()`,
  };
}

/** Throws `ERR_STATE_INVALID_ARGUMENT` unless `cost` is a whole number from 1 to `limit`. */
export function assertCost(cost: unknown, b: LimiterBase): asserts cost is number {
  if (typeof cost !== 'number' || !Number.isSafeInteger(cost) || cost < 1 || cost > b.limit) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${SOURCE}] ${b.name} consume(): \`cost\` must be a whole number from 1 to the limit ${b.limit} (got ${String(cost)})`,
    );
  }
}

/** Throws `ERR_STATE_INVALID_ARGUMENT` unless `id` is a non-empty string. */
export function assertId(id: unknown, b: LimiterBase): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${SOURCE}] ${b.name}: \`id\` must be a non-empty string`,
    );
  }
}

/**
 * `ERR_STATE_SERIALIZATION` for a stored limiter state that does not parse (written by
 * something else under the limiter's prefix): refusing beats admitting on garbage.
 */
export function corruptState(b: LimiterBase, key: string): StateError {
  return new StateError(
    'ERR_STATE_SERIALIZATION',
    `[${SOURCE}] ${b.name}: the value at key ${JSON.stringify(key)} is not this limiter's state (another writer under \`prefix\`?)`,
  );
}

/** A deadline for one call of limiter `b` (the label is built once per limiter and op). */
export function callDeadline(b: LimiterBase, op: 'consume' | 'reset'): Deadline {
  return deadline(b.timeoutMs, op === 'consume' ? b.consumeLabel : b.resetLabel, b.timer);
}

/** The result the failure policy gives for `err`, or rethrows `err` when no policy applies. */
export function onFailure(b: LimiterBase, cost: number, err: unknown): RateLimitResult {
  if (!isUnavailable(err)) throw err;
  return b.policy === 'open'
    ? {
        allowed: true,
        remaining: b.limit - cost,
        resetMs: 0,
        retryAfterMs: 0,
        limit: b.limit,
        unavailable: true,
      }
    : {
        allowed: false,
        remaining: 0,
        resetMs: UNAVAILABLE_RETRY_AFTER_MS,
        retryAfterMs: UNAVAILABLE_RETRY_AFTER_MS,
        limit: b.limit,
        unavailable: true,
      };
}

/** One attempt's decision from the stored state: deny (write nothing), or admit by writing `next`. */
export type CasStep =
  | { result: RateLimitResult; next?: undefined }
  | { result: RateLimitResult; next: Uint8Array; ttl: number };

/**
 * A limiter whose state per id is one value updated by compare-and-swap (sliding window,
 * token bucket): read, let `decide` judge the stored bytes at `now`, write its `next` only
 * if nothing changed meanwhile, else read again, until admitted, denied or past the deadline.
 * `decide` throws {@link corruptState} for bytes it cannot parse.
 */
export function createCasLimiter(
  b: LimiterBase,
  decide: (key: string, bytes: Uint8Array | undefined, now: number, cost: number) => CasStep,
): RateLimiter {
  const { state, prefix } = b;
  const consume = async (id: string, cost = 1): Promise<RateLimitResult> => {
    if (cost !== 1) assertCost(cost, b);
    assertId(id, b);
    const key = prefix + id;
    const d = callDeadline(b, 'consume');
    try {
      for (;;) {
        checkDeadline(d);
        const bytes = await within(d, state.get(key));
        const step = decide(key, bytes, Date.now(), cost);
        if (step.next === undefined) return step.result;
        const opts = { ttl: step.ttl };
        if (await within(d, state.compareAndSwap(key, bytes, step.next, opts))) return step.result;
      }
    } catch (err) {
      return onFailure(b, cost, err);
    }
  };
  return {
    consume,
    reset: async (id) => {
      assertId(id, b);
      await within(callDeadline(b, 'reset'), state.delete(prefix + id));
    },
  };
}
