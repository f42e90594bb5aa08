import { StateError, type StateErrorCode } from '@pforge/state-core';

/** The package named in every message. */
export const SOURCE = '@pforge/state-mcp';

/**
 * Why an idempotent call was refused:
 * - `in_progress`: another call with the same key is still running and did not finish within
 *   `waitMs` (code `ERR_STATE_UNAVAILABLE`: retry later with the same key).
 * - `key_reused`: the key was first used with different arguments (`ERR_STATE_INVALID_ARGUMENT`).
 * - `key_missing`: the tool requires a key and the request carried none, or not a usable one
 *   (`ERR_STATE_INVALID_ARGUMENT`).
 * - `outcome_unknown`: the instance running the call stopped (crash, SIGKILL) after the side
 *   effect may have started and before recording its outcome, and its lease lapsed
 *   (`ERR_STATE_BACKEND`). Retrying with the same key gives the same error until `resultTtlMs`.
 * - `lease_lost`: this call's lease was taken over or deleted while it ran, so its outcome
 *   could not be recorded (`ERR_STATE_BACKEND`).
 * - `already_redeemed`: a single-use `requestState` was already redeemed by a different
 *   request (`ERR_STATE_INVALID_ARGUMENT`).
 */
export type IdempotencyFailure =
  | 'in_progress'
  | 'key_reused'
  | 'key_missing'
  | 'outcome_unknown'
  | 'lease_lost'
  | 'already_redeemed';

const CODES: Record<IdempotencyFailure, StateErrorCode> = {
  in_progress: 'ERR_STATE_UNAVAILABLE',
  key_reused: 'ERR_STATE_INVALID_ARGUMENT',
  key_missing: 'ERR_STATE_INVALID_ARGUMENT',
  outcome_unknown: 'ERR_STATE_BACKEND',
  lease_lost: 'ERR_STATE_BACKEND',
  already_redeemed: 'ERR_STATE_INVALID_ARGUMENT',
};

/**
 * A refused idempotent call: a {@link StateError} (same `name`, one of its codes) that also
 * says why in `reason`. Test with {@link isIdempotencyError}, not `instanceof`.
 */
export class IdempotencyError extends StateError {
  /** Why the call was refused. */
  readonly reason: IdempotencyFailure;

  constructor(reason: IdempotencyFailure, message: string, options?: { cause?: unknown }) {
    super(CODES[reason], `[${SOURCE}] ${message}`, options);
    this.reason = reason;
  }
}

/**
 * Whether `err` is an {@link IdempotencyError} (optionally for `reason`). Checks `name`,
 * `code` and `reason`, so it holds when both the ESM and the CJS build are loaded.
 * @example if (isIdempotencyError(err, 'in_progress')) retryLater();
 */
export function isIdempotencyError(
  err: unknown,
  reason?: IdempotencyFailure,
): err is IdempotencyError {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown; reason?: unknown };
  if (e.name !== 'StateError' || typeof e.reason !== 'string') return false;
  const expected = CODES[e.reason as IdempotencyFailure];
  if (expected === undefined || e.code !== expected) return false;
  return reason === undefined || e.reason === reason;
}

/** Throws `ERR_STATE_INVALID_ARGUMENT` unless `value` is a positive safe integer. */
export function assertPositiveInt(
  value: unknown,
  name: string,
  where: string,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new StateError(
      'ERR_STATE_INVALID_ARGUMENT',
      `[${SOURCE}] ${where}: \`${name}\` must be a positive whole number of ms (got ${String(value)})`,
    );
  }
}

/** `value` when it is a positive safe integer, `fallback` when undefined; else throws. */
export function positiveInt(value: unknown, fallback: number, name: string, where: string): number {
  if (value === undefined) return fallback;
  assertPositiveInt(value, name, where);
  return value;
}

/** Throws `ERR_STATE_INVALID_ARGUMENT` naming the option. */
export function invalidOption(where: string, message: string): never {
  throw new StateError('ERR_STATE_INVALID_ARGUMENT', `[${SOURCE}] ${where}: ${message}`);
}
