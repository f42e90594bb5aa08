import { StateError } from '@pforge/state-core';
import { SOURCE } from './source.js';

/** Default of every pattern's `timeoutMs`: how long one call waits for the backend. */
export const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * What a pattern does when the backend is unavailable (`ERR_STATE_UNAVAILABLE`) or does
 * not answer within `timeoutMs`: `'open'` carries on without it (a rate limiter admits, a
 * cache computes), `'closed'` refuses (a rate limiter denies, a cache rejects).
 */
export type FailurePolicy = 'open' | 'closed';

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

/** Resolves an optional time budget in ms named `name` (positive whole number, else `fallback`). */
export function resolveMs(value: unknown, name: string, fallback: number, where: string): number {
  if (value === undefined) return fallback;
  assertPositiveInt(value, name, where);
  return value;
}

/** Resolves an optional `timeoutMs` option (default {@link DEFAULT_TIMEOUT_MS}). */
export function resolveTimeout(value: unknown, where: string): number {
  return resolveMs(value, 'timeoutMs', DEFAULT_TIMEOUT_MS, where);
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
